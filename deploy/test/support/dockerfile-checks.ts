import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { copyOf, dockerignore, stages, type Stage } from './dockerfile';

/**
 * Static checks of the image's Dockerfile against the repository (no Docker
 * daemon needed): what each COPY takes exists and reaches the build, and the
 * final stage is the hardened runtime the deploy files assume.
 */
export function dockerfileProblems(dockerfile: string, ignore: string, repoRoot: string): string[] {
  const all = stages(dockerfile);
  const excluded = dockerignore(ignore);
  const problems: string[] = [];
  all.forEach((stage, index) => {
    for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
      const copy = copyOf(instruction);
      if (instruction.keyword === 'ADD') problems.push(`ADD ${instruction.args}: use COPY (ADD fetches URLs and unpacks archives)`);
      for (const source of copy.sources) {
        if (copy.from === undefined) {
          if (!existsSync(join(repoRoot, source))) problems.push(`COPY ${source}: no such file in the repository`);
          else if (excluded(source)) problems.push(`COPY ${source}: excluded by .dockerignore`);
          continue;
        }
        const producer = all.slice(0, index).find((s) => s.name === copy.from);
        if (!producer) problems.push(`COPY --from=${copy.from}: no earlier stage of that name`);
        else if (!producedBy(producer, source, repoRoot))
          problems.push(`COPY --from=${copy.from} ${source}: that stage neither copies nor builds it`);
      }
    }
  });
  const final = all.at(-1);
  if (!final) return [...problems, 'no FROM'];
  for (const stage of all) if (!isPinned(stage.image)) problems.push(`FROM ${stage.image}: not a pinned version`);
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (user === undefined || /^(root|0)(:|$)/.test(user)) problems.push(`final stage runs as ${user ?? 'root (no USER)'}`);
  else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`USER ${user}: not numeric, Kubernetes cannot check runAsNonRoot`);
  const healthcheck = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)?.args;
  if (healthcheck === undefined || /^NONE\b/.test(healthcheck)) problems.push('final stage has no HEALTHCHECK');
  return problems;
}

/** Whether `path` (absolute, in the producing stage) is copied into that stage from the context, built there, or installed there. */
function producedBy(stage: Stage, path: string, repoRoot: string): boolean {
  let workdir = '/';
  const copied: { destination: string; source: string }[] = [];
  const runs: string[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, instruction.args);
    if (instruction.keyword === 'RUN') runs.push(instruction.args);
    if (instruction.keyword !== 'COPY') continue;
    const copy = copyOf(instruction);
    if (copy.from !== undefined) continue;
    const destination = posix.resolve(workdir, copy.destination);
    for (const source of copy.sources) copied.push({ destination, source });
  }
  const relativeToWorkdir = posix.relative(workdir, path);
  // Installed: node_modules of a stage that ran npm install in its workdir.
  if (relativeToWorkdir === 'node_modules') return runs.some((r) => /\bnpm (install|ci)\b/.test(r));
  // Built: dist/apps/<app> of an app with a webpack build that the stage's nx build names.
  const built = /^dist\/apps\/([a-z0-9-]+)$/.exec(relativeToWorkdir);
  if (built) {
    const app = built[1];
    const webpack = join(repoRoot, 'apps', app, 'webpack.config.js');
    return existsSync(webpack) && runs.some((r) => /\bnx run-many -t build\b/.test(r) && buildProjects(r).includes(app));
  }
  // Copied: under the destination of a COPY from the context, and present in the repository.
  return copied.some(({ destination, source }) => {
    const inside = posix.relative(destination, path);
    if (inside.startsWith('..')) return false;
    const fromRepo = source.endsWith('/') || inside !== '' ? posix.join(source, inside) : source;
    return existsSync(join(repoRoot, fromRepo));
  });
}

/** The `-p a,b,c` projects of an `nx run-many` command. */
export function buildProjects(run: string): string[] {
  return /\s-p\s+([\w,-]+)/.exec(run)?.[1].split(',') ?? [];
}

function isPinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(image) || /:\d+(\.\d+)+[\w.-]*$/.test(image);
}

/** The repository's Dockerfile and .dockerignore. */
export function readDockerFiles(repoRoot: string): { dockerfile: string; ignore: string } {
  return { dockerfile: readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'), ignore: readFileSync(join(repoRoot, '.dockerignore'), 'utf8') };
}
