/* meta_current.h - the metadata in force, for every layer that reads it.
 * The engine's loader (src/entity/meta_load.c) builds each version and
 * publishes it here; the access rules (src/acl) read it from here, below
 * the loader, which needs the engine's parsers of actions and states. */
#ifndef KEHU_META_CURRENT_H
#define KEHU_META_CURRENT_H

#include "metadata.h"

/* The latest published metadata (NULL before the first load). Lock-free:
 * a published version is never freed before meta_shutdown, so a request
 * may keep using the pointer it read. */
const metadata *meta_current(void);

/* Makes `m` the metadata in force (NULL at shutdown). */
void meta_publish(metadata *m);

#endif
