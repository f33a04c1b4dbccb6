// liblockprof-preload.so: lockprof's pthread interposition library, loaded into an unmodified
// program with LD_PRELOAD (`lockprof record -- PROGRAM` does this). It exports replacements for
// pthread_mutex_{lock,trylock,timedlock,unlock,init,destroy}, pthread_rwlock_{rdlock,wrlock,
// tryrdlock,trywrlock,timedrdlock,timedwrlock,unlock,init,destroy} and
// pthread_cond_{wait,timedwait,init,destroy}, and nothing else.
//
// It records only when LOCKPROF_PRELOAD_OUTPUT names a file to create (`%p` is replaced by the
// process id; an existing file is never replaced): a raw log, documented in docs/trace-format.md
// ("Preload raw log"), that `lockprof record` converts into a trace after the program exits.
#ifndef LOCKPROF_PRELOAD_H
#define LOCKPROF_PRELOAD_H

/// The environment variable naming the raw log to write.
#define LOCKPROF_PRELOAD_OUTPUT_VARIABLE "LOCKPROF_PRELOAD_OUTPUT"

#endif
