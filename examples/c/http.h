/* HTTP for the repository examples (sync_device.c, boot_check_shards.c):
 * a GET with libcurl that reads no more than the size the library names
 * (a file's exact size, a shard's largest), so a server sending an
 * endless download is cut short. The including program defines NETWORK,
 * its exit status for a network error, and includes <curl/curl.h> and
 * files.h first. */
#ifndef PARTCERT_EXAMPLE_HTTP_H
#define PARTCERT_EXAMPLE_HTTP_H

/* A download, cut one byte past `cap`: more than the head names is
 * handed to the updater as it is, which refuses it (206, size). */
typedef struct download {
    uint8_t *data;
    size_t len, cap;
} download;

static inline size_t keep(char *bytes, size_t size, size_t count, void *context) {
    download *d = context;
    size_t n = size * count, room = d->cap + 1 - d->len;
    if (n > room) n = room; /* and stop the transfer: it is too long */
    memcpy(d->data + d->len, bytes, n);
    d->len += n;
    return d->len > d->cap ? 0 : n;
}

/* GETs URL/path, at most `cap` bytes (one more if the server sends
 * more): 0, or NETWORK with a message. */
static inline int fetch(CURL *curl, const char *url, const char *path, size_t cap, download *out) {
    char address[8192];
    long status = 0;
    CURLcode rc;
    out->len = 0;
    out->cap = cap;
    out->data = malloc(cap + 1);
    if (out->data == NULL) return NETWORK;
    snprintf(address, sizeof address, "%s/%s", url, path);
    curl_easy_setopt(curl, CURLOPT_URL, address);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    /* A server that trickles bytes is given up on. */
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 20L);
    rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (out->len > cap) return 0; /* too long: the updater says so */
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "%s: %s (HTTP %ld)\n", address, curl_easy_strerror(rc), status);
        return NETWORK;
    }
    return 0;
}

#endif /* PARTCERT_EXAMPLE_HTTP_H */
