import { z } from 'zod';

/** Producers truncate a User-Agent to this length before publishing. */
export const USER_AGENT_MAX = 512;

/** The caller's IP address as the HTTP server saw it (IPv4, or IPv6 including `::ffff:a.b.c.d`). */
export const ClientIp = z.union([z.ipv4(), z.ipv6()]);

/** The caller's User-Agent header, truncated by the producer to {@link USER_AGENT_MAX}. */
export const UserAgent = z.string().max(USER_AGENT_MAX);

/** A W3C trace id (32 lower-case hex digits, not all zero), to join an event to its trace. */
export const TraceId = z
  .string()
  .regex(/^[0-9a-f]{32}$/)
  .refine((id) => !/^0+$/.test(id), { message: 'the all-zero trace id is invalid' });

/** A gated operation of a resource server, dotted lower case, e.g. `face.identify`. */
export const Operation = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);
