// Where the Swift concurrency runtime runs a task's job: the address range of
// swift::runJobInEstablishedExecutorContext, which calls a task's resume function directly.
//
// On Linux the async frames are not tagged (Swift 6.3.1 on x86_64: an async function's prologue
// is `push rbp; push r14; lea 8(%rsp), %rbp` — the context saved below the frame record, but no
// bit 60 in the saved fp as on Darwin). A frame whose return address lies in this function is
// therefore the one sure sign that the frame is a task's resume function, with its async context
// at fp − 8 (stack.c). The function is local to libswift_Concurrency (in .symtab, not the
// dynamic table): its range is read once from the library's ELF file, found through
// swift_job_run's module. A stripped library, or none, leaves the range empty and the walk then
// stops at the executor as before.
#include "CLockProfSupport.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern void swift_job_run(void *job, void *executor) __attribute__((weak));

static const char job_runner_name[] = "_ZN5swift34runJobInEstablishedExecutorContextEPNS_3JobE";
static uintptr_t job_runner_start, job_runner_end;
static pthread_once_t job_runner_once = PTHREAD_ONCE_INIT;

/// Finds `job_runner_name` in the .symtab of the ELF file at `path` mapped at `base`.
static void find_job_runner(const char *path, uintptr_t base) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat status;
    void *file = MAP_FAILED;
    if (fstat(fd, &status) == 0 && status.st_size > (off_t)sizeof(Elf64_Ehdr)) {
        file = mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (file == MAP_FAILED) return;
    size_t size = (size_t)status.st_size;
    const unsigned char *bytes = file;
    const Elf64_Ehdr *header = file;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64
        || header->e_shoff == 0 || header->e_shoff + (uint64_t)header->e_shnum * sizeof(Elf64_Shdr) > size) {
        munmap(file, size);
        return;
    }
    const Elf64_Shdr *sections = (const Elf64_Shdr *)(bytes + header->e_shoff);
    for (int index = 0; index < header->e_shnum; index++) {
        const Elf64_Shdr *table = &sections[index];
        if (table->sh_type != SHT_SYMTAB || table->sh_link >= header->e_shnum) continue;
        const Elf64_Shdr *strings = &sections[table->sh_link];
        if (table->sh_offset + table->sh_size > size || strings->sh_offset + strings->sh_size > size) continue;
        const Elf64_Sym *symbols = (const Elf64_Sym *)(bytes + table->sh_offset);
        size_t count = table->sh_size / sizeof(Elf64_Sym);
        for (size_t symbol = 0; symbol < count; symbol++) {
            if (symbols[symbol].st_name >= strings->sh_size || symbols[symbol].st_size == 0) continue;
            const char *name = (const char *)(bytes + strings->sh_offset + symbols[symbol].st_name);
            size_t room = strings->sh_size - symbols[symbol].st_name;
            if (strnlen(name, room) == sizeof(job_runner_name) - 1 && memcmp(name, job_runner_name, sizeof(job_runner_name)) == 0) {
                uintptr_t start = (header->e_type == ET_DYN ? base : 0) + (uintptr_t)symbols[symbol].st_value;
                job_runner_start = start;
                job_runner_end = start + (uintptr_t)symbols[symbol].st_size;
                munmap(file, size);
                return;
            }
        }
    }
    munmap(file, size);
}

static void resolve_job_runner(void) {
    Dl_info info;
    if (!swift_job_run || !dladdr((void *)(uintptr_t)swift_job_run, &info) || !info.dli_fname) return;
    find_job_runner(info.dli_fname, (uintptr_t)info.dli_fbase);
}

int lockprof_job_runner_range(uintptr_t *start, uintptr_t *end) {
    pthread_once(&job_runner_once, resolve_job_runner);
    *start = job_runner_start;
    *end = job_runner_end;
    return job_runner_end > job_runner_start;
}
