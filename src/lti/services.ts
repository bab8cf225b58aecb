/**
 * The LtiServices port implemented over one service client (NRPS + AGS).
 */
import type { LtiServices } from '../services/servicePorts.js';
import type { ServiceClient } from './serviceClient.js';
import { agsGrants, createLineItem, listLineItems, listResults, postScore } from './ags.js';
import { listMembers } from './nrps.js';

/** Binds the NRPS and AGS functions to a connector. */
export function createLtiServices(client: ServiceClient): LtiServices {
  return {
    grants: agsGrants,
    listMembers: (t, url, opts) => listMembers(client, t, url, opts),
    listLineItems: (t, url, filter) => listLineItems(client, t, url, filter),
    createLineItem: (t, url, item) => createLineItem(client, t, url, item),
    postScore: (t, url, score) => postScore(client, t, url, score),
    listResults: (t, url) => listResults(client, t, url),
  };
}
