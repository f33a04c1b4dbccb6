// Lock order in a program recorded as it is: each thread's held locks (lp_thread.held, in
// initial-exec TLS: at most LP_HELD_LOCKS kept, deeper nesting only counted, nothing allocated)
// and one process-wide table of the (held → acquired) pairs met so far, so that each pair is
// written to the log once, with the stack that first acquired in that order. `lockprof` turns
// those records into the trace's `lockOrder` records, from which the report finds inversions.
//
// The table is open addressing over ORDER_SLOTS 64-bit words, written only by compare-exchange
// from 0 to a key (held id << 32 | acquired id; lock ids start at 1, so no key is 0) and never
// cleared, with no lock: a key is always placed in the first empty slot of its probe sequence and
// slots never empty again, so a reader that meets an empty slot before the key knows it is new,
// and two threads inserting one key race on one slot, which exactly one wins. A pair whose probe
// sequence is full for ORDER_PROBES slots is not recorded (counted in `order_pairs_lost`).
//
// The pair a thread met last while holding one lock is remembered in the thread (`last_pair`),
// so that an uncontended acquisition nested one deep in the same pair again (a lock taken inside
// another in a loop) is counted and pushed inline, without this table.
#include "preload_internal.h"

#define ORDER_SLOTS 16384u
#define ORDER_PROBES 128u

static uint64_t order_slots[ORDER_SLOTS];
static uint64_t order_pairs_lost;

// 1 when `key` was not in the table and this call put it there, 0 when it was there, -1 when it
// had no room.
static int insert_pair(uint64_t key) {
    uint32_t index = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 50) & (ORDER_SLOTS - 1);
    for (uint32_t probe = 0; probe < ORDER_PROBES; probe++, index = (index + 1) & (ORDER_SLOTS - 1)) {
        uint64_t seen = __atomic_load_n(&order_slots[index], __ATOMIC_ACQUIRE);
        if (seen == 0) {
            uint64_t expected = 0;
            if (__atomic_compare_exchange_n(&order_slots[index], &expected, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                return 1;
            }
            seen = expected;  // another thread filled the slot first
        }
        if (seen == key) return 0;
    }
    __atomic_fetch_add(&order_pairs_lost, 1, __ATOMIC_RELAXED);
    return -1;
}

void lp_order_note(lp_thread *thread, lp_lock *acquired) {
    uint32_t count = thread->held_count < LP_HELD_LOCKS ? thread->held_count : LP_HELD_LOCKS;
    uint64_t frames[LP_MAX_FRAMES];
    int frame_count = -1;  // captured once, for the first new pair
    for (uint32_t index = 0; index < count; index++) {
        lp_lock *held = thread->held[index].lock;
        if (held == acquired || held->id == 0 || acquired->id == 0 || held->id == acquired->id) continue;
        uint64_t key = (uint64_t)held->id << 32 | acquired->id;
        int inserted = insert_pair(key);
        // One lock held: the next time this pair is met, the uncontended path knows it inline.
        if (inserted >= 0 && count == 1) thread->last_pair = key;
        if (inserted <= 0) continue;
        if (frame_count < 0) frame_count = lp_capture(frames, LP_MAX_FRAMES);
        lp_log_lock_order(thread, held, acquired, frames, frame_count);
    }
}

// Stands for a lock held deeper than LP_HELD_LOCKS that moved up into the kept entries when one
// below it was released: which lock it is was never kept. Address 0 never matches a release and
// id 0 orders nothing; the next release not found among the kept entries removes it.
static lp_lock unknown_lock;

void lp_held_remove(lp_thread *thread, uintptr_t address) {
    uint32_t count = thread->held_count;
    uint32_t kept = count < LP_HELD_LOCKS ? count : LP_HELD_LOCKS;
    uint32_t placeholder = LP_HELD_LOCKS;  // the latest unknown entry, if any
    for (uint32_t index = kept; index-- > 0;) {
        if (thread->held[index].address == 0 && placeholder == LP_HELD_LOCKS) placeholder = index;
        if (thread->held[index].address != address) continue;
        for (uint32_t later = index + 1; later < kept; later++) thread->held[later - 1] = thread->held[later];
        if (count > LP_HELD_LOCKS) {
            thread->held[LP_HELD_LOCKS - 1].address = 0;
            thread->held[LP_HELD_LOCKS - 1].lock = &unknown_lock;
        }
        thread->held_count = count - 1;
        return;
    }
    // Not among those kept: one of the uncounted deeper ones (or one standing in for it), or a
    // lock taken before recording started (or by another thread), which was never pushed.
    if (count > LP_HELD_LOCKS) {
        thread->held_count = count - 1;
    } else if (placeholder < LP_HELD_LOCKS) {
        for (uint32_t later = placeholder + 1; later < kept; later++) thread->held[later - 1] = thread->held[later];
        thread->held_count = count - 1;
    }
}
