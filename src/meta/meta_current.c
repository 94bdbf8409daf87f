/* meta_current.c - see meta_current.h. */
#include "meta_current.h"

#include <stdatomic.h>

static _Atomic(metadata *) current;

const metadata *meta_current(void)
{
    return atomic_load(&current);
}

void meta_publish(metadata *m)
{
    atomic_store(&current, m);
}
