/* meta_shares.h - records shared through a share list (共享): an entity
 * declares
 *   "shared_through": {"entity": "doc_folder_shares", "field": "folder_id"}
 * and a record is then also readable by whoever a live line of that share
 * list names, the list's header being the record whose id is in `field`
 * ("id": the header itself; "folder_id": the folder a document is in).
 * "down": "parent_id" (a link of the header to its own kind) makes a
 * share reach the headers below the one shared, and what is in them.
 * The share list is an owned relation of its header with the fields
 *   share_with   picklist user | role | department | all
 *   user_id      link users        (share_with user)
 *   role_id      link roles        (share_with role: whoever holds it)
 *   department_id link departments (share_with department: its members and
 *                                    those of the departments below it)
 * Sharing grants reading only; writes stay the owner's and superiors'.
 * src/acl/acl.c adds the condition to the read predicates (lists, search,
 * counts, export, related lists, attachments), so no module reads around
 * it. Checked at metadata load (bad_metadata). */
#ifndef KEHU_META_SHARES_H
#define KEHU_META_SHARES_H

#include "../util/arena.h"
#include "../util/err.h"
#include "metadata.h"

/* share_def is in metadata.h (the access rules read it). */

/* Reads "shared_through" of one entity file (NULL when absent). */
share_def *meta_parse_shares(arena *a, const void *json_entity);
/* Fills and checks every declaration once all entities are loaded. */
int meta_link_shares(metadata *m, err *e);

#endif
