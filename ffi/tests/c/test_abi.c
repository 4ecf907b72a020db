/* The version the header says and the version of the library loaded: the
 * PARTCERT_VERSION_* macros against partcert_version() and
 * partcert_version_number(), as a program checks at startup (a library
 * with the same major version and a minor version at least the header's
 * is compatible). The frozen structs have the shape the ABI promises.
 * ffi/tests/run.sh also checks the soname carries the major version and
 * compares the whole ABI with ffi/abi/partcert.abi. */
#include <stddef.h>
#include <stdio.h>

#include "harness.h"

/* Whether a loaded library `loaded` serves a program built against header
 * version major.minor: the same major version, and at least its minor. */
static int compatible(uint32_t loaded, unsigned major, unsigned minor) {
    return loaded >> 16 == major && (loaded >> 8 & 0xff) >= minor;
}

static void the_version_macros_match_the_library(void) {
    char expected[32];
    unsigned major = 0, minor = 0, patch = 0;
    uint32_t loaded = partcert_version_number();
    snprintf(expected, sizeof expected, "%d.%d.%d", PARTCERT_VERSION_MAJOR,
             PARTCERT_VERSION_MINOR, PARTCERT_VERSION_PATCH);
    CHECK_STR(partcert_version(), expected);
    CHECK_STR(PARTCERT_VERSION_STRING, expected);
    CHECK(sscanf(partcert_version(), "%u.%u.%u", &major, &minor, &patch) == 3);
    CHECK(major == PARTCERT_VERSION_MAJOR && minor == PARTCERT_VERSION_MINOR &&
          patch == PARTCERT_VERSION_PATCH);
    CHECK(loaded == PARTCERT_VERSION_NUMBER);
    CHECK(loaded == ((major << 16) | (minor << 8) | patch));
    /* The check a program makes at startup. */
    CHECK(compatible(loaded, PARTCERT_VERSION_MAJOR, PARTCERT_VERSION_MINOR));
    CHECK(!compatible(loaded, PARTCERT_VERSION_MAJOR + 1, 0));
    CHECK(!compatible(loaded, PARTCERT_VERSION_MAJOR, PARTCERT_VERSION_MINOR + 1));
    CHECK(PARTCERT_VERSION_MAJOR >= 1);
}

/* The structs a caller fills or receives by value are frozen: two fields,
 * in this order, of these sizes. */
static void frozen_structs_keep_their_shape(void) {
    CHECK(sizeof(partcert_str) == sizeof(void *) + sizeof(size_t));
    CHECK(offsetof(partcert_str, data) == 0 && offsetof(partcert_str, len) == sizeof(void *));
    CHECK(sizeof(partcert_slice) == sizeof(partcert_str));
    CHECK(offsetof(partcert_slice, len) == sizeof(void *));
    CHECK(sizeof(partcert_imeis) == sizeof(partcert_str));
    CHECK(sizeof(partcert_list_version) == 16);
    CHECK(offsetof(partcert_list_version, sequence) == 8);
    /* Enums cross the ABI as 32-bit (16 for part kinds) integers. */
    CHECK(sizeof(partcert_result) == 4 && sizeof(partcert_part_kind) == 2);
}

int main(void) {
    RUN(the_version_macros_match_the_library);
    RUN(frozen_structs_keep_their_shape);
    return h_finish("test_abi");
}
