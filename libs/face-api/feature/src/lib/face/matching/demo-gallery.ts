import { Injectable } from '@nestjs/common';

/** A person enrolled in a (large) person group. */
export interface GalleryPerson {
  readonly personId: string;
  readonly name: string;
}

/** The vendor's two kinds of person group share one id syntax but separate namespaces. */
export type PersonGroupKind = 'personGroup' | 'largePersonGroup';

/** The vendor's two kinds of face list, likewise. */
export type FaceListKind = 'faceList' | 'largeFaceList';

/**
 * The stand-in's enrolled data, fixed in code (the vendor's person-group
 * and face-list management APIs are out of scope): one person group, one
 * large person group, one face list and one large face list, each
 * `demo-…`. docs/FACE-API.md lists the ids.
 */
const PERSON_GROUPS: Readonly<Record<PersonGroupKind, ReadonlyMap<string, readonly GalleryPerson[]>>> = {
  personGroup: new Map([
    [
      'demo-group',
      [
        { personId: '57d27948-571a-4c45-ba7d-4937d182e825', name: 'Alice' },
        { personId: 'bcf8a7e0-bb9f-4114-93dd-0c57f749ecb5', name: 'Bob' },
        { personId: '82126bf3-78b2-43d8-b284-ee907fc955f2', name: 'Carol' },
        { personId: '1dafbb43-b58b-46b4-92af-f45c9d35b678', name: 'Dave' },
      ],
    ],
  ]),
  largePersonGroup: new Map([
    [
      'demo-large-group',
      [
        { personId: '1358fd8f-1ef9-40ad-970c-680d78f3cbc7', name: 'Erin' },
        { personId: '38e26241-3061-45ce-a4b2-334fe741e50d', name: 'Frank' },
        { personId: 'df7bfcb7-3a5c-4195-9fcc-acfd197168f1', name: 'Grace' },
        { personId: 'ea2f9e9d-c211-4243-9275-ae65773e8203', name: 'Heidi' },
        { personId: '375c6b05-17d3-431d-a226-41766375983a', name: 'Ivan' },
        { personId: 'a5582197-072c-450b-a710-e41846053c80', name: 'Judy' },
      ],
    ],
  ]),
};

const FACE_LISTS: Readonly<Record<FaceListKind, ReadonlyMap<string, readonly string[]>>> = {
  faceList: new Map([
    [
      'demo-face-list',
      [
        '9d6fa5f0-1da8-471b-b3aa-c3cacb94bc03',
        'eb852db6-ff8f-49a8-b33e-2fdc6c24b7e9',
        '653dfdc7-ff49-464d-aaa6-eea7c1b8d2f1',
        'ef9ad0c2-3af2-4bc5-aae3-de155e637fdc',
        '30c8d47f-c478-4677-82a0-dcf0e5bebe00',
      ],
    ],
  ]),
  largeFaceList: new Map([
    [
      'demo-large-face-list',
      [
        'cec3bb71-5f6c-4332-9404-13983f356c97',
        '885416d8-d5da-4fbb-9349-01e2394a5f68',
        '6744e2e8-2a9e-43e2-9bd9-5d8fcacebe05',
        'a79ebf9a-7170-419f-84b1-9fb92c15bad1',
        'ef5ed46b-a27e-4ead-b9cf-cd4230f4a088',
        '4abf7500-6d2a-40b0-acd7-94ce33b183fb',
        '5edde8ab-005b-4bdd-8d5e-868cda2c0ea9',
        'fff376c9-48ab-41fd-9174-f0cad6d54bea',
      ],
    ],
  ]),
};

/** Read access to the enrolled demo data; an injectable so a real store can take its place. */
@Injectable()
export class DemoGallery {
  /** The persons of a group, or undefined when no group of that kind has that id. */
  persons(kind: PersonGroupKind, groupId: string): readonly GalleryPerson[] | undefined {
    return PERSON_GROUPS[kind].get(groupId);
  }

  /** The persisted face ids of a face list, or undefined when no list of that kind has that id. */
  persistedFaces(kind: FaceListKind, listId: string): readonly string[] | undefined {
    return FACE_LISTS[kind].get(listId);
  }
}
