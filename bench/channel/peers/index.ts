/** Every peer of the channel benchmark, by name. */
import type { PeerDefinition, PeerName } from '../peer.ts';
import { msgpackrTransfer } from './msgpackr-transfer.ts';
import { piscina } from './piscina.ts';
import { postArray } from './post-array.ts';
import { postEach } from './post-each.ts';
import { weirRing } from './weir-ring.ts';

export const PEERS: Readonly<Record<PeerName, PeerDefinition>> = {
  'weir-ring': weirRing,
  'post-each': postEach,
  'post-array': postArray,
  'msgpackr-transfer': msgpackrTransfer,
  piscina,
};
