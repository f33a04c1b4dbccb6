// Stack capture by walking frame pointers.
//
// Swift on Linux x86_64 and aarch64 keeps frame pointers, so the runtime's stack is a walk of the
// frame records [saved fp, return address] from this function's own frame outwards. Each fp is
// checked against the thread's stack bounds (pthread_getattr_np, read once per thread and kept in
// a thread-local) before it is read, must be aligned, and must increase: a frame without a frame
// pointer (a C library compiled without one) ends the walk instead of faulting. The walk replaces
// libunwind's unw_backtrace, whose first use gives every thread a 256 KiB cache
// (docs/performance.md, "Stack capture"); unw_backtrace stays as the fallback when a thread's
// bounds cannot be read, and as lockprof_capture_stack_unwind for the benchmark and the tests.
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>

#include "CLockProfSupport.h"

#if defined(__x86_64__)
enum { frame_alignment = 16 };
#elif defined(__aarch64__)
enum { frame_alignment = 8 };
#else
#error "lockprof walks frame pointers on x86_64 and aarch64 only"
#endif

/// The calling thread's stack, [low, high); both 0 before the first capture, high == 1 when
/// pthread_getattr_np failed (then libunwind captures this thread's stacks).
static __thread uintptr_t thread_stack_low, thread_stack_high;

static int thread_stack_bounds(uintptr_t *low, uintptr_t *high) {
    if (thread_stack_high == 0) {
        pthread_attr_t attributes;
        void *base = NULL;
        size_t size = 0;
        thread_stack_high = 1;
        if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
            if (pthread_attr_getstack(&attributes, &base, &size) == 0 && base != NULL && size > 0) {
                thread_stack_low = (uintptr_t)base;
                thread_stack_high = (uintptr_t)base + size;
            }
            pthread_attr_destroy(&attributes);
        }
    }
    *low = thread_stack_low;
    *high = thread_stack_high;
    return *high > 1;
}

/// unw_backtrace from the function it is inlined into: skips that function and `skip` more.
static inline __attribute__((always_inline)) int unwind_capture(uint64_t *frames, int max, int skip) {
    enum { limit = 128 };
    void *buffer[limit];
    int wanted = max + skip + 1;  // +1: the calling function's own frame
    if (wanted > limit) wanted = limit;
    int got = unw_backtrace(buffer, wanted);
    int count = 0;
    for (int index = skip + 1; index < got && count < max; index++) frames[count++] = (uint64_t)(uintptr_t)buffer[index];
    return count;
}

int lockprof_capture_stack_unwind(uint64_t *frames, int max, int skip) {
    return unwind_capture(frames, max, skip);
}

int lockprof_capture_stack(uint64_t *frames, int max, int skip) {
    uintptr_t low, high;
    if (!thread_stack_bounds(&low, &high)) return unwind_capture(frames, max, skip);
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    int count = 0;
    while (count < max) {
        if (fp < low + sizeof(uintptr_t) || fp > high - 2 * sizeof(uintptr_t) || (fp & (frame_alignment - 1)) != 0) break;
        const uintptr_t *record = (const uintptr_t *)fp;
        uintptr_t next = record[0];
        uintptr_t address = record[1];
        if (address == 0) break;
        if (skip > 0) skip--; else frames[count++] = (uint64_t)address;
        if (next <= fp) break;
        fp = next;
    }
    return count;
}
