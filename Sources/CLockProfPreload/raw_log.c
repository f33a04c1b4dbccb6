// The raw per-process log (docs/trace-format.md, "Preload raw log"): little-endian records
// appended to one buffer under an internal lock and written out with write(2) when it fills, when
// a record finds it older than FLUSH_AFTER_NS (so a process killed with SIGKILL leaves all but its
// last moments of waits on disk), and at exit. `lockprof record` reads it after the program ends and writes the trace; nothing here
// symbolizes, allocates or calls a pthread function.
#include "preload_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

enum {
    RAW_PROCESS = 1, RAW_THREAD = 2, RAW_LOCK = 3, RAW_STACK = 4, RAW_CONTENTION = 5, RAW_RELEASE = 6,
    RAW_STATISTICS = 7, RAW_MODULE = 8, RAW_END = 9, RAW_LOCK_ORDER = 10,
};

#define BUFFER_BYTES (256u << 10)
#define RECORD_MAX (8u << 10)
// A record appended this long after the last write(2) writes the buffer out. Records come from the
// contended path (which reads the clock anyway) and from first sightings of threads, locks and
// stacks, so this is one clock read per record and at most one write(2) per interval.
#define FLUSH_AFTER_NS 200000000u

static lp_spinlock log_lock;
static int log_descriptor = -1;
static unsigned char buffer[BUFFER_BYTES];
static uint32_t buffered;
static uint64_t written_at_ns;  // under log_lock: when the buffer was last written out

// A record body under construction, on the caller's stack.
typedef struct {
    unsigned char bytes[RECORD_MAX];
    uint32_t length;
} body_t;

static void put(body_t *body, const void *bytes, uint32_t count) {
    if (body->length + count > RECORD_MAX) count = RECORD_MAX - body->length;
    memcpy(body->bytes + body->length, bytes, count);
    body->length += count;
}
static void put8(body_t *body, uint8_t value) { put(body, &value, 1); }
static void put16(body_t *body, uint16_t value) { put(body, &value, 2); }  // x86-64 and arm64: little-endian
static void put32(body_t *body, uint32_t value) { put(body, &value, 4); }
static void put64(body_t *body, uint64_t value) { put(body, &value, 8); }
static void put_string(body_t *body, const char *text, size_t length) {
    if (length > 4096) length = 4096;
    put16(body, (uint16_t)length);
    put(body, text, (uint32_t)length);
}
static void put_frames(body_t *body, const uint64_t *frames, int count) {
    put16(body, (uint16_t)count);
    put(body, frames, (uint32_t)(sizeof(uint64_t) * count));
}

static void write_out_locked(void) {
    uint32_t done = 0;
    while (done < buffered && log_descriptor >= 0) {
        ssize_t wrote = write(log_descriptor, buffer + done, buffered - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) break;  // a full disk: the rest is lost, the program goes on
        done += (uint32_t)wrote;
    }
    buffered = 0;
    written_at_ns = lp_now();
}

void lp_log_record(uint8_t tag, const void *body, uint32_t length) {
    lp_spin_lock(&log_lock);
    if (log_descriptor >= 0) {
        if (buffered + 5 + length > BUFFER_BYTES) write_out_locked();
        buffer[buffered] = tag;
        memcpy(buffer + buffered + 1, &length, 4);
        memcpy(buffer + buffered + 5, body, length);
        buffered += 5 + length;
        if (lp_now() - written_at_ns > FLUSH_AFTER_NS) write_out_locked();
    }
    lp_spin_unlock(&log_lock);
}

static void emit(uint8_t tag, const body_t *body) { lp_log_record(tag, body->bytes, body->length); }

// MARK: Opening

static int executable_path(char *path, size_t size) {
    ssize_t length = readlink("/proc/self/exe", path, size - 1);
    if (length <= 0) return 0;
    path[length] = 0;
    return (int)length;
}

static void log_modules(void);

// One line on stderr, written directly (no stdio: the program may be inside it).
static void say(const char *first, const char *second, const char *third) {
    const char *parts[] = {"lockprof-preload: ", first, second, third, "\n"};
    for (size_t index = 0; index < sizeof parts / sizeof parts[0]; index++) {
        if (write(2, parts[index], strlen(parts[index])) < 0) return;
    }
}

int lp_log_open(void) {
    // Set by `lockprof record`; LOCKPROF_TRACE when the library is loaded directly.
    const char *pattern = getenv("LOCKPROF_PRELOAD_OUTPUT");
    int direct = !pattern || !*pattern;
    if (direct) pattern = getenv("LOCKPROF_TRACE");
    if (!pattern || !*pattern) return -1;
    char path[PATH_MAX];
    size_t used = 0;
    for (const char *cursor = pattern; *cursor && used + 24 < sizeof path; cursor++) {
        if (cursor[0] == '%' && cursor[1] == 'p') {
            char digits[16];
            int count = 0;
            for (unsigned value = (unsigned)getpid(); value || count == 0; value /= 10) digits[count++] = (char)('0' + value % 10);
            while (count) path[used++] = digits[--count];
            cursor++;
        } else {
            path[used++] = *cursor;
        }
    }
    path[used] = 0;
    // Never over an existing file: a child that exec'd with the same path, or an old log.
    log_descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (log_descriptor < 0) {
        // Under `lockprof record` the program's stderr is left as it is (record says what it missed).
        if (direct) {
            say(path, errno == EEXIST ? ": file exists" : ": cannot create the file",
                ": this process is not recorded (use a new LOCKPROF_TRACE path; %p becomes the pid)");
        }
        return -1;
    }
    static const unsigned char header[16] = {'L', 'P', 'R', 'A', 'W', 'L', 'O', 'G', 1, 0, 0, 0, 0, 0, 0, 0};
    memcpy(buffer, header, sizeof header);
    buffered = sizeof header;

    body_t body = {.length = 0};
    put32(&body, (uint32_t)getpid());
    put64(&body, lp_now());
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    put64(&body, (uint64_t)wall.tv_sec * 1000000000u + (uint64_t)wall.tv_nsec);
    char name[17] = {0};
    prctl(PR_GET_NAME, name, 0, 0, 0);
    put_string(&body, name, strlen(name));
    char executable[PATH_MAX];
    int length = executable_path(executable, sizeof executable);
    put_string(&body, executable, (size_t)length);
    emit(RAW_PROCESS, &body);
    log_modules();
    // On disk at once: a program that is killed still leaves a log that says it ran.
    lp_spin_lock(&log_lock);
    write_out_locked();
    lp_spin_unlock(&log_lock);
    return 0;
}

// MARK: Records

void lp_log_thread(lp_thread *thread) {
    if (thread->announced) return;
    thread->announced = 1;
    body_t body = {.length = 0};
    put32(&body, thread->tid);
    char name[17] = {0};
    prctl(PR_GET_NAME, name, 0, 0, 0);
    put_string(&body, name, strlen(name));
    emit(RAW_THREAD, &body);
}

void lp_log_lock(lp_lock *lock) {
    if (__atomic_exchange_n(&lock->defined, 1, __ATOMIC_RELAXED)) return;
    body_t body = {.length = 0};
    put32(&body, lock->id);
    put64(&body, lock->address);
    put8(&body, lock->kind);
    put32(&body, lock->creation_stack);
    emit(RAW_LOCK, &body);
}

void lp_log_lock_order(lp_thread *thread, lp_lock *held, lp_lock *acquired, const uint64_t *frames, int frame_count) {
    lp_log_thread(thread);
    lp_log_lock(held);
    lp_log_lock(acquired);
    body_t body = {.length = 0};
    put32(&body, held->id);
    put32(&body, acquired->id);
    put32(&body, thread->tid);
    put_frames(&body, frames, frame_count);
    emit(RAW_LOCK_ORDER, &body);
}

void lp_log_stack(uint32_t stack_id, const uint64_t *frames, int count) {
    body_t body = {.length = 0};
    put32(&body, stack_id);
    put_frames(&body, frames, count);
    emit(RAW_STACK, &body);
}

static void event(uint8_t tag, lp_thread *thread, lp_lock *lock, uint64_t time_ns, uint64_t duration_ns,
                  uint8_t flags, const uint64_t *frames, int frame_count) {
    lp_log_thread(thread);
    lp_log_lock(lock);
    __atomic_store_n(&lock->has_events, 1, __ATOMIC_RELAXED);
    body_t body = {.length = 0};
    put32(&body, lock->id);
    put32(&body, thread->tid);
    put64(&body, time_ns);
    put64(&body, duration_ns);
    put8(&body, flags);
    put_frames(&body, frames, frame_count);
    emit(tag, &body);
}

void lp_log_contention(lp_thread *thread, lp_lock *lock, uint64_t end_ns, uint64_t wait_ns, int timed_out,
                       int shared, const uint64_t *frames, int frame_count) {
    event(RAW_CONTENTION, thread, lock, end_ns, wait_ns, (uint8_t)((timed_out ? 1 : 0) | (shared ? 2 : 0)), frames,
          frame_count);
}

void lp_log_release(lp_thread *thread, lp_lock *lock, uint64_t time_ns, uint64_t hold_ns, int exact,
                    const uint64_t *frames, int frame_count) {
    event(RAW_RELEASE, thread, lock, time_ns, hold_ns, (uint8_t)(exact ? 1 : 0), frames, frame_count);
}

// MARK: Modules

static int log_module(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    body_t body = {.length = 0};
    put64(&body, (uint64_t)info->dlpi_addr);
    const char *name = info->dlpi_name;
    char executable[PATH_MAX];
    size_t name_length = name ? strlen(name) : 0;
    if (name_length == 0) {
        name_length = (size_t)executable_path(executable, sizeof executable);
        name = executable;
    }
    if (strncmp(name, "linux-vdso", 10) == 0) return 0;
    put_string(&body, name, name_length);
    const unsigned char *build_id = NULL;
    uint32_t build_id_length = 0;
    uint16_t ranges = 0;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type == PT_LOAD) ranges++;
        if (header->p_type != PT_NOTE || build_id) continue;
        const unsigned char *note = (const unsigned char *)(info->dlpi_addr + header->p_vaddr);
        const unsigned char *end = note + header->p_memsz;
        while (note + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *nhdr = (const ElfW(Nhdr) *)note;
            const unsigned char *desc = note + sizeof *nhdr + ((nhdr->n_namesz + 3) & ~3u);
            if (nhdr->n_type == NT_GNU_BUILD_ID && nhdr->n_namesz == 4 && memcmp(note + sizeof *nhdr, "GNU", 4) == 0) {
                build_id = desc;
                build_id_length = nhdr->n_descsz;
                break;
            }
            note = desc + ((nhdr->n_descsz + 3) & ~3u);
        }
    }
    put_string(&body, (const char *)build_id, build_id_length);
    put16(&body, ranges);
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_LOAD) continue;
        put64(&body, info->dlpi_addr + header->p_vaddr);
        put64(&body, info->dlpi_addr + header->p_vaddr + header->p_memsz);
    }
    emit(RAW_MODULE, &body);
    return 0;
}

static void log_modules(void) { dl_iterate_phdr(log_module, NULL); }

// MARK: Exit

static void log_statistics(lp_lock *lock) {
    if (!lock->acquisitions && !lock->secondary && !lock->failed_try && !lock->has_events && !lock->condition_wait_ns &&
        !lock->signals && !lock->broadcasts) {
        return;
    }
    lp_log_lock(lock);
    body_t body = {.length = 0};
    put32(&body, lock->id);
    put64(&body, __atomic_load_n(&lock->acquisitions, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->secondary, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->failed_try, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->sampled_holds, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->sampled_hold_ns, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->condition_wait_ns, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->condition_timeouts, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->signals, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->broadcasts, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->cpu_measured_hold_ns, __ATOMIC_RELAXED));
    put64(&body, __atomic_load_n(&lock->holder_cpu_ns, __ATOMIC_RELAXED));
    emit(RAW_STATISTICS, &body);
}

void lp_log_finish(void) {
    lp_flush_all_threads();
    lp_each_lock(log_statistics);
    log_modules();
    body_t body = {.length = 0};
    put64(&body, lp_now());
    emit(RAW_END, &body);
    __atomic_store_n(&lp_active, 0, __ATOMIC_RELEASE);
    lp_spin_lock(&log_lock);
    write_out_locked();
    close(log_descriptor);
    log_descriptor = -1;
    lp_spin_unlock(&log_lock);
}

// MARK: Fork

void lp_log_forget_after_fork(void) {
    // The child shares the parent's descriptor and buffer: it writes nothing (docs/design.md).
    __atomic_store_n(&lp_active, 0, __ATOMIC_RELEASE);
    if (log_descriptor >= 0) close(log_descriptor);
    log_descriptor = -1;
    buffered = 0;
}

void lp_log_fork_prepare(void) { lp_spin_lock(&log_lock); }
void lp_log_fork_release(void) { lp_spin_unlock(&log_lock); }

void lp_fork_prepare(void) {
    lp_table_fork_prepare();
    lp_threads_fork_prepare();
    lp_log_fork_prepare();
}

void lp_fork_parent(void) {
    lp_log_fork_release();
    lp_threads_fork_release();
    lp_table_fork_release();
}
