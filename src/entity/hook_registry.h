/* hook_registry.h - the module rules of each entity, kept by entity name
 * for the life of the process, so every rebuilt metadata (custom fields
 * change it) points at the same lists. The lists and how to add to them
 * are in hooks.h; metadata loading only needs this. */
#ifndef KEHU_HOOK_REGISTRY_H
#define KEHU_HOOK_REGISTRY_H

struct entity_hooks;

/* The registry entry of `entity`, made when missing (thread-safe). */
struct entity_hooks *entity_hooks_for(const char *entity);

/* Frees the registry; only when nothing can run a write any more. */
void entity_hooks_shutdown(void);

#endif
