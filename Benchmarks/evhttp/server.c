/* The "no framework" reference for `make bench`: libevent's evhttp on one thread, the bench
 * routes, files with evbuffer_add_file (sendfile). Usage: evhttp-bench PORT FILES_DIR */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

static const char *files_dir;

static void etag_of(const char *body, size_t length, char out[19]) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < length; i++) { hash ^= (unsigned char)body[i]; hash *= 0x00000100000001B3ULL; }
    snprintf(out, 19, "\"%016llx\"", (unsigned long long)hash);
}

static void plaintext(struct evhttp_request *req, void *arg) {
    (void)arg;
    struct evbuffer *out = evhttp_request_get_output_buffer(req);
    evbuffer_add(out, "Hello, World!", 13);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
    evhttp_send_reply(req, 200, "OK", NULL);
}

static void user(struct evhttp_request *req, void *arg) {
    (void)arg;
    char body[256], etag[19];
    /* Encoded per request, keys sorted like the Swift peers' JSONEncoder output. */
    int length = snprintf(body, sizeof body,
        "{\"created_at\":\"%s\",\"email\":\"%s\",\"id\":%d,\"name\":\"%s\",\"updated_at\":\"%s\"}",
        "2026-01-01T00:00:00Z", "alice@example.com", 1, "Alice", "2026-01-01T00:00:00Z");
    etag_of(body, (size_t)length, etag);
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "ETag", etag);
    evhttp_add_header(headers, "Cache-Control", "private, max-age=0, must-revalidate");
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");
    if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
        evhttp_send_reply(req, 304, "Not Modified", NULL);
        return;
    }
    evhttp_add_header(headers, "Content-Type", "application/json");
    evhttp_add_header(headers, "Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
    evbuffer_add(evhttp_request_get_output_buffer(req), body, (size_t)length);
    evhttp_send_reply(req, 200, "OK", NULL);
}

static void file(struct evhttp_request *req, void *arg) {
    (void)arg;
    const char *uri = evhttp_request_get_uri(req);
    const char *name = uri + strlen("/files/");
    if (strchr(name, '/') || name[0] == '.' || strchr(name, '?')) { evhttp_send_error(req, 404, NULL); return; }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", files_dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { if (fd >= 0) close(fd); evhttp_send_error(req, 404, NULL); return; }
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
    char etag[64], value[128];
    snprintf(etag, sizeof etag, "\"%lx-%lx-%lx\"", (unsigned long)st.st_ino, (unsigned long)st.st_size, (unsigned long)st.st_mtime);
    evhttp_add_header(headers, "ETag", etag);
    evhttp_add_header(headers, "Accept-Ranges", "bytes");
    evhttp_add_header(headers, "Content-Type", "application/octet-stream");
    long long first = 0, last = st.st_size - 1;
    const char *range = evhttp_find_header(evhttp_request_get_input_headers(req), "Range");
    int partial = range && sscanf(range, "bytes=%lld-%lld", &first, &last) == 2 && first <= last && first < st.st_size;
    if (!partial) { first = 0; last = st.st_size - 1; }
    if (last >= st.st_size) last = st.st_size - 1;
    evbuffer_add_file(evhttp_request_get_output_buffer(req), fd, first, last - first + 1);
    if (partial) {
        snprintf(value, sizeof value, "bytes %lld-%lld/%lld", first, last, (long long)st.st_size);
        evhttp_add_header(headers, "Content-Range", value);
        evhttp_send_reply(req, 206, "Partial Content", NULL);
    } else {
        evhttp_send_reply(req, 200, "OK", NULL);
    }
}

static void route(struct evhttp_request *req, void *arg) {
    if (strncmp(evhttp_request_get_uri(req), "/files/", 7) == 0) file(req, arg);
    else evhttp_send_error(req, 404, NULL);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s PORT FILES_DIR\n", argv[0]); return 2; }
    files_dir = argv[2];
    /* A client that resets its connection while a response is written must not kill the
     * server: libevent writes with writev and sendfile, which raise SIGPIPE (as every
     * libevent server must, it ignores it and sees EPIPE). */
    signal(SIGPIPE, SIG_IGN);
    struct event_base *base = event_base_new();
    struct evhttp *http = evhttp_new(base);
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_cb(http, "/plaintext", plaintext, NULL);
    evhttp_set_cb(http, "/users/1", user, NULL);
    evhttp_set_gencb(http, route, NULL);
    /* TCP_NODELAY on the listener: Linux copies it to every accepted socket. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 1024) != 0) { perror("listen"); return 1; }
    if (evhttp_accept_socket(http, fd) != 0) { fprintf(stderr, "evhttp_accept_socket failed\n"); return 1; }
    printf("listening on http://127.0.0.1:%s\n", argv[1]);
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
