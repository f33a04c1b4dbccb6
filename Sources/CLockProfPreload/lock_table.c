// The shared lock records: one per lock lifetime, found by address through a chained hash table
// of the live ones, and the interned creation stacks. Everything here runs off the hot path (a
// thread's cache miss, init, destroy) under one internal spinlock; memory comes from mmap, never
// malloc, which the program may have replaced with one that locks pthread mutexes.
#include "preload_internal.h"

#include <string.h>
#include <sys/mman.h>

#define BUCKETS (1u << 16)
#define STACK_BUCKETS (1u << 12)

typedef struct lp_stack {
    struct lp_stack *next;
    uint32_t id;
    uint32_t count;
    uint64_t frames[];
} lp_stack;

static lp_spinlock table_lock;
static lp_lock **buckets;
static lp_stack **stack_buckets;
static lp_lock *all_locks;
static uint32_t next_lock_id = 1;
static uint32_t next_stack_id = 1;

// A bump allocator over 1 MiB mmap'd blocks (never freed: records outlive their locks).
static char *arena_next, *arena_end;

static void *arena_allocate(size_t size) {
    size = (size + 15) & ~(size_t)15;
    if (!arena_next || (size_t)(arena_end - arena_next) < size) {
        size_t block = size > (1u << 20) ? size : (1u << 20);
        void *memory = mmap(NULL, block, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) return NULL;
        arena_next = memory;
        arena_end = arena_next + block;
    }
    void *result = arena_next;
    arena_next += size;
    return result;
}

static uint32_t bucket_of(uintptr_t address) {
    uint64_t mixed = (uint64_t)address * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(mixed >> 48) & (BUCKETS - 1);
}

static int ensure_tables(void) {
    if (buckets) return 1;
    buckets = arena_allocate(sizeof(lp_lock *) * BUCKETS);
    stack_buckets = arena_allocate(sizeof(lp_stack *) * STACK_BUCKETS);
    if (buckets) memset(buckets, 0, sizeof(lp_lock *) * BUCKETS);
    if (stack_buckets) memset(stack_buckets, 0, sizeof(lp_stack *) * STACK_BUCKETS);
    return buckets && stack_buckets;
}

static lp_lock *find_live(uintptr_t address) {
    for (lp_lock *lock = buckets[bucket_of(address)]; lock; lock = lock->next_in_bucket) {
        if (lock->address == address) return lock;
    }
    return NULL;
}

static void unlink_live(lp_lock *dying) {
    lp_lock **link = &buckets[bucket_of(dying->address)];
    while (*link && *link != dying) link = &(*link)->next_in_bucket;
    if (*link) *link = dying->next_in_bucket;
    __atomic_store_n(&dying->dead, 1, __ATOMIC_RELEASE);
}

static lp_lock *make_record(uintptr_t address, int kind, uint32_t creation_stack) {
    lp_lock *lock = arena_allocate(sizeof(lp_lock));
    if (!lock) return NULL;
    memset(lock, 0, sizeof *lock);
    lock->address = address;
    lock->kind = (uint8_t)kind;
    lock->creation_stack = creation_stack;
    lock->id = next_lock_id++;
    uint32_t bucket = bucket_of(address);
    lock->next_in_bucket = buckets[bucket];
    buckets[bucket] = lock;
    lock->next_in_all = all_locks;
    all_locks = lock;
    return lock;
}

// Interns under table_lock; writes the stack record the first time (the log has its own lock).
static uint32_t intern_locked(const uint64_t *frames, int count, int *is_new) {
    uint64_t hash = 1469598103934665603ull;
    for (int index = 0; index < count; index++) hash = (hash ^ frames[index]) * 1099511628211ull;
    uint32_t bucket = (uint32_t)(hash >> 40) & (STACK_BUCKETS - 1);
    for (lp_stack *stack = stack_buckets[bucket]; stack; stack = stack->next) {
        if (stack->count == (uint32_t)count && memcmp(stack->frames, frames, sizeof(uint64_t) * count) == 0) {
            *is_new = 0;
            return stack->id;
        }
    }
    lp_stack *stack = arena_allocate(sizeof(lp_stack) + sizeof(uint64_t) * count);
    if (!stack) return 0;
    stack->count = (uint32_t)count;
    memcpy(stack->frames, frames, sizeof(uint64_t) * count);
    stack->id = next_stack_id++;
    stack->next = stack_buckets[bucket];
    stack_buckets[bucket] = stack;
    *is_new = 1;
    return stack->id;
}

uint32_t lp_intern_stack(const uint64_t *frames, int count) {
    if (count <= 0) return 0;
    int is_new = 0;
    lp_spin_lock(&table_lock);
    uint32_t id = ensure_tables() ? intern_locked(frames, count, &is_new) : 0;
    lp_spin_unlock(&table_lock);
    if (is_new) lp_log_stack(id, frames, count);
    return id;
}

static uint32_t creation_stack_of_caller(void) {
    uint64_t frames[LP_MAX_FRAMES];
    int count = lp_capture(frames, LP_MAX_FRAMES);
    return lp_intern_stack(frames, count);
}

lp_lock *lp_lock_for(uintptr_t address, int kind) {
    lp_spin_lock(&table_lock);
    lp_lock *lock = ensure_tables() ? find_live(address) : NULL;
    lp_spin_unlock(&table_lock);
    if (lock) return lock;
    // First met at an acquisition: a statically initialized lock, named by this first use.
    uint32_t stack = creation_stack_of_caller();
    lp_spin_lock(&table_lock);
    if (ensure_tables()) {
        lock = find_live(address);
        if (!lock) lock = make_record(address, kind, stack);
    }
    lp_spin_unlock(&table_lock);
    return lock;
}

void lp_lock_created(uintptr_t address, int kind) {
    uint32_t stack = creation_stack_of_caller();
    lp_spin_lock(&table_lock);
    if (ensure_tables()) {
        lp_lock *earlier = find_live(address);
        if (earlier) unlink_live(earlier);  // reused memory that was never destroyed: a new lock
        make_record(address, kind, stack);
    }
    lp_spin_unlock(&table_lock);
}

void lp_lock_destroyed(uintptr_t address) {
    lp_spin_lock(&table_lock);
    if (buckets) {
        lp_lock *lock = find_live(address);
        if (lock) unlink_live(lock);
    }
    lp_spin_unlock(&table_lock);
}

int lp_after_init(int result, uintptr_t address, int kind) {
    lp_thread *thread = &lp_self;
    if (result != 0 || thread->busy || !lp_active) return result;
    thread->busy = 1;
    lp_lock_created(address, kind);
    thread->busy = 0;
    return result;
}

int lp_after_destroy(int result, uintptr_t address) {
    lp_thread *thread = &lp_self;
    if (result != 0 || thread->busy || !lp_active) return result;
    thread->busy = 1;
    lp_lock_destroyed(address);
    thread->busy = 0;
    return result;
}

void lp_each_lock(void (*body)(lp_lock *)) {
    lp_spin_lock(&table_lock);
    lp_lock *first = all_locks;
    lp_spin_unlock(&table_lock);
    // Records are only ever prepended: the list from `first` on is stable without the lock.
    for (lp_lock *lock = first; lock; lock = lock->next_in_all) body(lock);
}

void lp_table_fork_prepare(void) { lp_spin_lock(&table_lock); }
void lp_table_fork_release(void) { lp_spin_unlock(&table_lock); }
