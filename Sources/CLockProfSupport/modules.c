// Modules: which loaded object an address is in, its load base and path (for module-relative
// frames), and the dynamic symbol name used when no symbolizer is available.
#include "CLockProfSupport.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lockprof_executable_path(char *buffer, size_t size) {
    if (size == 0) return -1;
    char resolved[PATH_MAX];
    if (!realpath("/proc/self/exe", resolved)) return -1;
    snprintf(buffer, size, "%s", resolved);
    return 0;
}

int lockprof_module_of(uint64_t address, uint64_t *bias, char *path, size_t path_size) {
    Dl_info info;
    struct link_map *map = NULL;
    if (!dladdr1((void *)(uintptr_t)address, &info, (void **)&map, RTLD_DL_LINKMAP) || !map) return -1;
    *bias = (uint64_t)map->l_addr;
    if (map->l_name && map->l_name[0]) {
        snprintf(path, path_size, "%s", map->l_name);
    } else if (lockprof_executable_path(path, path_size) != 0) {
        snprintf(path, path_size, "%s", info.dli_fname ? info.dli_fname : "");
    }
    return 0;
}

int lockprof_symbol_name(uint64_t address, char *name, size_t name_size) {
    Dl_info info;
    if (!dladdr((void *)(uintptr_t)address, &info) || !info.dli_sname) return -1;
    snprintf(name, name_size, "%s", info.dli_sname);
    return 0;
}
