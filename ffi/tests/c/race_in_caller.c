/* A race in the caller's own code is still reported under ThreadSanitizer:
 * two shop tills count the parts they checked in one shared counter with
 * no lock, each with its own trust store from the library. The library
 * tells TSan of its own synchronisation (partcert::race), and that must
 * never hide this. ffi/tests/run.sh expects TSan to report a data race
 * here, and only on `parts_checked`. */
#include <pthread.h>
#include <stdio.h>

#include "partcert.h"

static long parts_checked; /* shared, unguarded: the integrator's bug */

static void *till(void *arg) {
    (void)arg;
    partcert_trust_store *trust = partcert_trust_store_new();
    for (int i = 0; i < 100000; i++) parts_checked++;
    partcert_trust_store_free(trust);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    if (pthread_create(&a, NULL, till, NULL) != 0 || pthread_create(&b, NULL, till, NULL) != 0)
        return 2;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("parts checked: %ld\n", parts_checked);
    return 0;
}
