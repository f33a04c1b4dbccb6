// The real pthread functions (dlsym(RTLD_NEXT), dlvsym for the condition functions, which glibc
// exports in two versions), the bootstrap for calls made while dlsym itself runs, and the
// library's start: the constructor resolves, opens the log and registers the exit dump and the
// fork handlers.
#include "preload_internal.h"

#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

lp_real_functions lp_real;
int lp_active;
uintptr_t lp_self_start, lp_self_end;

// 0 not started, 1 resolving (on some thread), 2 done.
static int resolution_state;

static void *next_symbol(const char *name) { return dlsym(RTLD_NEXT, name); }

// glibc keeps the pre-2.3.2 condition variable functions for old binaries; plain dlsym may hand
// back those, whose pthread_cond_t layout differs. Ask for the current version first.
static void *next_condition_symbol(const char *name) {
    static const char *const versions[] = {"GLIBC_2.3.2", "GLIBC_2.17", "GLIBC_2.2.5"};
    for (size_t index = 0; index < sizeof versions / sizeof versions[0]; index++) {
        void *found = dlvsym(RTLD_NEXT, name, versions[index]);
        if (found) return found;
    }
    return dlsym(RTLD_NEXT, name);
}

static int find_own_range(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    uintptr_t probe = (uintptr_t)data;
    uintptr_t low = UINTPTR_MAX, high = 0;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_LOAD) continue;
        uintptr_t start = info->dlpi_addr + header->p_vaddr;
        if (start < low) low = start;
        if (start + header->p_memsz > high) high = start + header->p_memsz;
    }
    if (probe < low || probe >= high) return 0;
    lp_self_start = low;
    lp_self_end = high;
    return 1;
}

int lp_resolve(void) {
    int expected = 0;
    if (__atomic_load_n(&resolution_state, __ATOMIC_ACQUIRE) == 2) return 1;
    if (!__atomic_compare_exchange_n(&resolution_state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        // Resolving already: on this thread (dlsym or what it calls locks a mutex: answer without
        // locking), or on another one (wait for it).
        if (lp_self.busy) return 0;
        while (__atomic_load_n(&resolution_state, __ATOMIC_ACQUIRE) != 2) sched_yield();
        return 1;
    }
    lp_self.busy = 1;
    lp_real_functions found;
    found.mutex_lock = next_symbol("pthread_mutex_lock");
    found.mutex_trylock = next_symbol("pthread_mutex_trylock");
    found.mutex_timedlock = next_symbol("pthread_mutex_timedlock");
    found.mutex_unlock = next_symbol("pthread_mutex_unlock");
    found.mutex_init = next_symbol("pthread_mutex_init");
    found.mutex_destroy = next_symbol("pthread_mutex_destroy");
    found.rwlock_rdlock = next_symbol("pthread_rwlock_rdlock");
    found.rwlock_wrlock = next_symbol("pthread_rwlock_wrlock");
    found.rwlock_tryrdlock = next_symbol("pthread_rwlock_tryrdlock");
    found.rwlock_trywrlock = next_symbol("pthread_rwlock_trywrlock");
    found.rwlock_timedrdlock = next_symbol("pthread_rwlock_timedrdlock");
    found.rwlock_timedwrlock = next_symbol("pthread_rwlock_timedwrlock");
    found.rwlock_unlock = next_symbol("pthread_rwlock_unlock");
    found.rwlock_init = next_symbol("pthread_rwlock_init");
    found.rwlock_destroy = next_symbol("pthread_rwlock_destroy");
    found.cond_wait = next_condition_symbol("pthread_cond_wait");
    found.cond_timedwait = next_condition_symbol("pthread_cond_timedwait");
    found.cond_init = next_condition_symbol("pthread_cond_init");
    found.cond_destroy = next_condition_symbol("pthread_cond_destroy");
    found.cond_signal = next_condition_symbol("pthread_cond_signal");
    found.cond_broadcast = next_condition_symbol("pthread_cond_broadcast");
    lp_real = found;
    dl_iterate_phdr(find_own_range, (void *)(uintptr_t)&lp_resolve);
    lp_self.busy = 0;
    __atomic_store_n(&resolution_state, 2, __ATOMIC_RELEASE);
    return 1;
}

static void child_after_fork(void) {
    lp_fork_parent();
    lp_log_forget_after_fork();
}

static void finish_at_exit(void);

#pragma GCC visibility push(default)

// A program that ends with _exit (dash, forked servers' workers) runs no atexit handler: finish
// the log here, then leave as asked.
__attribute__((noreturn)) void _exit(int status) {
    finish_at_exit();
    syscall(SYS_exit_group, status);
    __builtin_unreachable();
}

__attribute__((noreturn)) void _Exit(int status) { _exit(status); }

#pragma GCC visibility pop

static void finish_at_exit(void) {
    if (!lp_active) return;
    lp_self.busy = 1;
    lp_log_finish();
    lp_self.busy = 0;
}

__attribute__((constructor)) static void lp_start(void) {
    if (!lp_resolve()) return;
    lp_self.busy = 1;
    int opened = lp_log_open() == 0;
    if (opened) {
        pthread_atfork(lp_fork_prepare, lp_fork_parent, child_after_fork);
        atexit(finish_at_exit);
    }
    lp_self.busy = 0;
    if (opened) __atomic_store_n(&lp_active, 1, __ATOMIC_RELEASE);
}
