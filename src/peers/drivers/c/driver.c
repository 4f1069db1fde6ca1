/*
 * gearspec driver for libgearman (C, the library behind the gearman CLI and PHP pecl gearman).
 * Speaks the JSON-lines control protocol of src/peers/drivers/README.md on GEARSPEC_CONTROL and
 * talks Gearman to GEARSPEC_SERVER in the role GEARSPEC_ROLE (client | worker).
 * Build: gcc -O2 -o driver driver.c -lgearman
 * The JSON reader below handles exactly what the harness sends (objects, arrays, strings with
 * escapes, numbers, booleans, null); anything else is reported as an error event.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libgearman-1.0/gearman.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------------ JSON values */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;
typedef struct jv {
  jtype t;
  bool b;
  double num;
  char *s;
  size_t slen;
  size_t n;
  char **keys;
  struct jv **items;
} jv;

typedef struct {
  const char *p;
  const char *end;
  const char *err;
} jparser;

static jv *jnew(jtype t) {
  jv *v = calloc(1, sizeof(jv));
  if (!v) abort();
  v->t = t;
  return v;
}

static void jskip(jparser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')) ps->p++;
}

static void put_utf8(char *out, size_t *o, unsigned cp) {
  if (cp < 0x80) out[(*o)++] = (char)cp;
  else if (cp < 0x800) { out[(*o)++] = (char)(0xC0 | (cp >> 6)); out[(*o)++] = (char)(0x80 | (cp & 0x3F)); }
  else { out[(*o)++] = (char)(0xE0 | (cp >> 12)); out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[(*o)++] = (char)(0x80 | (cp & 0x3F)); }
}

static jv *jparse_value(jparser *ps);

static jv *jparse_string(jparser *ps) {
  ps->p++; /* opening quote */
  const char *start = ps->p;
  size_t cap = 0;
  while (ps->p < ps->end && *ps->p != '"') { if (*ps->p == '\\') ps->p++; ps->p++; cap++; }
  if (ps->p >= ps->end) { ps->err = "unterminated string"; return NULL; }
  jv *v = jnew(J_STR);
  v->s = malloc(cap * 3 + 1);
  size_t o = 0;
  for (const char *q = start; q < ps->p; q++) {
    if (*q != '\\') { v->s[o++] = *q; continue; }
    q++;
    switch (*q) {
      case 'n': v->s[o++] = '\n'; break;
      case 't': v->s[o++] = '\t'; break;
      case 'r': v->s[o++] = '\r'; break;
      case 'b': v->s[o++] = '\b'; break;
      case 'f': v->s[o++] = '\f'; break;
      case 'u': {
        char hex[5] = {0};
        memcpy(hex, q + 1, 4);
        put_utf8(v->s, &o, (unsigned)strtoul(hex, NULL, 16));
        q += 4;
        break;
      }
      default: v->s[o++] = *q;
    }
  }
  v->s[o] = 0;
  v->slen = o;
  ps->p++; /* closing quote */
  return v;
}

static jv *jparse_container(jparser *ps, bool obj) {
  jv *v = jnew(obj ? J_OBJ : J_ARR);
  ps->p++;
  size_t cap = 0;
  jskip(ps);
  if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) { ps->p++; return v; }
  for (;;) {
    jskip(ps);
    char *key = NULL;
    if (obj) {
      if (ps->p >= ps->end || *ps->p != '"') { ps->err = "expected a key"; return NULL; }
      jv *k = jparse_string(ps);
      if (!k) return NULL;
      key = k->s;
      free(k);
      jskip(ps);
      if (ps->p >= ps->end || *ps->p != ':') { ps->err = "expected ':'"; return NULL; }
      ps->p++;
    }
    jv *item = jparse_value(ps);
    if (!item) return NULL;
    if (v->n == cap) {
      cap = cap ? cap * 2 : 8;
      v->items = realloc(v->items, cap * sizeof(jv *));
      v->keys = realloc(v->keys, cap * sizeof(char *));
    }
    v->items[v->n] = item;
    v->keys[v->n] = key;
    v->n++;
    jskip(ps);
    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
    if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) { ps->p++; return v; }
    ps->err = "expected ',' or the end of a container";
    return NULL;
  }
}

static jv *jparse_value(jparser *ps) {
  jskip(ps);
  if (ps->p >= ps->end) { ps->err = "unexpected end"; return NULL; }
  char c = *ps->p;
  if (c == '"') return jparse_string(ps);
  if (c == '{') return jparse_container(ps, true);
  if (c == '[') return jparse_container(ps, false);
  if (!strncmp(ps->p, "true", 4)) { ps->p += 4; jv *v = jnew(J_BOOL); v->b = true; return v; }
  if (!strncmp(ps->p, "false", 5)) { ps->p += 5; return jnew(J_BOOL); }
  if (!strncmp(ps->p, "null", 4)) { ps->p += 4; return jnew(J_NULL); }
  char *e;
  double d = strtod(ps->p, &e);
  if (e == ps->p) { ps->err = "unexpected character"; return NULL; }
  ps->p = e;
  jv *v = jnew(J_NUM);
  v->num = d;
  return v;
}

static jv *jget(const jv *o, const char *key) {
  if (!o || o->t != J_OBJ) return NULL;
  for (size_t i = 0; i < o->n; i++) if (!strcmp(o->keys[i], key)) return o->items[i];
  return NULL;
}
static const char *jstr(const jv *o, const char *key) {
  jv *v = jget(o, key);
  return v && v->t == J_STR ? v->s : NULL;
}
static double jnum(const jv *o, const char *key) {
  jv *v = jget(o, key);
  return v && v->t == J_NUM ? v->num : 0;
}
static int jbool(const jv *o, const char *key) { /* -1 absent, 0 false, 1 true */
  jv *v = jget(o, key);
  return v && v->t == J_BOOL ? (v->b ? 1 : 0) : -1;
}

/* ------------------------------------------------------------------ base64 */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64enc(const void *data, size_t len) {
  const unsigned char *in = data;
  char *out = malloc(((len + 2) / 3) * 4 + 1);
  size_t o = 0;
  for (size_t i = 0; i < len; i += 3) {
    unsigned v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
    out[o++] = B64[(v >> 18) & 63];
    out[o++] = B64[(v >> 12) & 63];
    out[o++] = i + 1 < len ? B64[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? B64[v & 63] : '=';
  }
  out[o] = 0;
  return out;
}

static unsigned char *b64dec(const char *s, size_t *outlen) {
  size_t len = s ? strlen(s) : 0;
  unsigned char *out = malloc(len / 4 * 3 + 3);
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    const char *p = strchr(B64, s[i]);
    if (s[i] == '=' || !p || !s[i]) continue;
    acc = (acc << 6) | (unsigned)(p - B64);
    bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (unsigned char)((acc >> bits) & 0xFF); }
  }
  *outlen = o;
  return out;
}

/* ------------------------------------------------------------------ control channel */

static int ctl = -1;
static char *rbuf;
static size_t rlen, rcap;

static void write_all(const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(ctl, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) _exit(0); /* harness went away */
    s += w;
    n -= (size_t)w;
  }
}

typedef struct { char *s; size_t len, cap; } sbuf;
static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) { b->cap = (b->len + n + 1) * 2; b->s = realloc(b->s, b->cap); }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_json_string(sbuf *b, const char *s) {
  sb_add(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[8];
    if (*p == '"' || *p == '\\') { esc[0] = '\\'; esc[1] = (char)*p; sb_add(b, esc, 2); }
    else if (*p < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", *p); sb_add(b, esc, 6); }
    else sb_add(b, (const char *)p, 1);
  }
  sb_add(b, "\"", 1);
}

/* emit("event", "k1", "v1", ..., NULL); keys starting with '!' take a raw JSON value. */
static void emit(const char *event, ...) {
  sbuf b = {0};
  sb_str(&b, "{\"event\":");
  sb_json_string(&b, event);
  va_list ap;
  va_start(ap, event);
  for (;;) {
    const char *k = va_arg(ap, const char *);
    if (!k) break;
    const char *v = va_arg(ap, const char *);
    bool raw = k[0] == '!';
    sb_str(&b, ",");
    sb_json_string(&b, raw ? k + 1 : k);
    sb_str(&b, ":");
    if (raw) sb_str(&b, v);
    else sb_json_string(&b, v ? v : "");
  }
  va_end(ap);
  sb_str(&b, "}\n");
  write_all(b.s, b.len);
  free(b.s);
}

/* Next command as a parsed object; exits when the harness closes the connection. */
static jv *read_command(void) {
  for (;;) {
    char *nl = rlen ? memchr(rbuf, '\n', rlen) : NULL;
    if (nl) {
      size_t linelen = (size_t)(nl - rbuf);
      jparser ps = {rbuf, nl, NULL};
      jv *cmd = linelen ? jparse_value(&ps) : NULL;
      bool blank = linelen == 0;
      memmove(rbuf, nl + 1, rlen - linelen - 1);
      rlen -= linelen + 1;
      if (blank) continue;
      if (!cmd || cmd->t != J_OBJ || !jstr(cmd, "op")) {
        emit("error", "message", ps.err ? ps.err : "command is not an object with op", NULL);
        continue;
      }
      return cmd;
    }
    if (rlen + 65536 > rcap) { rcap = (rlen + 65536) * 2; rbuf = realloc(rbuf, rcap); }
    ssize_t r = read(ctl, rbuf + rlen, rcap - rlen);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) exit(0);
    rlen += (size_t)r;
  }
}

static void split_host_port(const char *hp, char *host, size_t hostcap, int *port) {
  const char *c = strrchr(hp, ':');
  size_t n = c ? (size_t)(c - hp) : strlen(hp);
  if (n >= hostcap) n = hostcap - 1;
  memcpy(host, hp, n);
  host[n] = 0;
  *port = c ? atoi(c + 1) : 4730;
}

static const char *env_or_die(const char *k) {
  const char *v = getenv(k);
  if (!v || !*v) { fprintf(stderr, "gearspec c driver: missing env %s\n", k); exit(2); }
  return v;
}

/* GEARSPEC_SERVER: one host:port, or several separated by commas, in libgearman's own format. */
static const char *srv_list;

/* ------------------------------------------------------------------ client */

static gearman_client_st *clients[3]; /* 0 exceptions off, 1 on, 2 library default */

static const char *ctx_id(gearman_task_st *t) { const char *id = gearman_task_context(t); return id ? id : ""; }

static gearman_return_t on_created(gearman_task_st *t) { emit("created", "id", ctx_id(t), "handle", gearman_task_job_handle(t), NULL); return GEARMAN_SUCCESS; }
static void emit_payload(const char *event, gearman_task_st *t) {
  char *p = b64enc(gearman_task_data(t), gearman_task_data_size(t));
  emit(event, "id", ctx_id(t), "payload", p, NULL);
  free(p);
}
static gearman_return_t on_data(gearman_task_st *t) { emit_payload("data", t); return GEARMAN_SUCCESS; }
static gearman_return_t on_warning(gearman_task_st *t) { emit_payload("warning", t); return GEARMAN_SUCCESS; }
static gearman_return_t on_complete(gearman_task_st *t) { emit_payload("complete", t); return GEARMAN_SUCCESS; }
static gearman_return_t on_exception(gearman_task_st *t) { emit_payload("exception", t); return GEARMAN_SUCCESS; }
static gearman_return_t on_fail(gearman_task_st *t) { emit("fail", "id", ctx_id(t), NULL); return GEARMAN_SUCCESS; }
static gearman_return_t on_status(gearman_task_st *t) {
  char n[32], d[32];
  snprintf(n, sizeof n, "%u", gearman_task_numerator(t));
  snprintf(d, sizeof d, "%u", gearman_task_denominator(t));
  emit("status", "id", ctx_id(t), "numerator", n, "denominator", d, NULL);
  return GEARMAN_SUCCESS;
}

static gearman_client_st *client_for(int exc) {
  int k = exc < 0 ? 2 : exc;
  if (clients[k]) return clients[k];
  gearman_client_st *c = gearman_client_create(NULL);
  if (!c) { emit("error", "message", "gearman_client_create failed", NULL); exit(1); }
  gearman_client_set_timeout(c, 20000);
  gearman_client_add_servers(c, srv_list);
  if (exc == 1) gearman_client_set_server_option(c, "exceptions", strlen("exceptions"));
  gearman_client_set_created_fn(c, on_created);
  gearman_client_set_data_fn(c, on_data);
  gearman_client_set_warning_fn(c, on_warning);
  gearman_client_set_status_fn(c, on_status);
  gearman_client_set_complete_fn(c, on_complete);
  gearman_client_set_exception_fn(c, on_exception);
  gearman_client_set_fail_fn(c, on_fail);
  clients[k] = c;
  return c;
}

typedef gearman_task_st *(add_fn)(gearman_client_st *, gearman_task_st *, void *, const char *, const char *, const void *, size_t, gearman_return_t *);

static bool add_task(gearman_client_st *c, const jv *j) {
  const char *prio = jstr(j, "priority");
  bool bg = jbool(j, "background") == 1;
  add_fn *fn;
  if (prio && !strcmp(prio, "high")) fn = bg ? gearman_client_add_task_high_background : gearman_client_add_task_high;
  else if (prio && !strcmp(prio, "low")) fn = bg ? gearman_client_add_task_low_background : gearman_client_add_task_low;
  else fn = bg ? gearman_client_add_task_background : gearman_client_add_task;
  size_t plen;
  unsigned char *payload = b64dec(jstr(j, "payload"), &plen);
  const char *id = jstr(j, "id");
  gearman_return_t ret;
  /* libgearman rejects a non-NULL workload of length 0 (GEARMAN_INVALID_ARGUMENT, add.cc); an empty
     job is submitted as NULL/0. libgearman copies the workload when the task is created. */
  gearman_task_st *t = fn(c, NULL, strdup(id ? id : ""), jstr(j, "function"), jstr(j, "unique"), plen ? payload : NULL, plen, &ret);
  free(payload);
  if (!t) {
    emit("error", "id", id, "message", gearman_client_error(c), NULL);
    return false;
  }
  return true;
}

static void client_loop(void) {
  for (;;) {
    jv *cmd = read_command();
    const char *op = jstr(cmd, "op");
    const char *id = jstr(cmd, "id");
    if (!strcmp(op, "submit") || !strcmp(op, "submit-batch")) {
      gearman_client_st *c = client_for(jbool(cmd, "exceptions"));
      int added = 0;
      if (!strcmp(op, "submit")) added += add_task(c, cmd);
      else {
        jv *jobs = jget(cmd, "jobs");
        for (size_t i = 0; jobs && jobs->t == J_ARR && i < jobs->n; i++) added += add_task(c, jobs->items[i]);
      }
      if (added) {
        gearman_return_t ret = gearman_client_run_tasks(c);
        if (ret != GEARMAN_SUCCESS) {
          char msg[1024];
          snprintf(msg, sizeof msg, "run_tasks: %s (%s)", gearman_client_error(c), gearman_strerror(ret));
          emit("error", "id", id, "message", msg, NULL);
        }
      }
    } else if (!strcmp(op, "status")) {
      gearman_client_st *c = client_for(-1);
      bool known = false, running = false;
      uint32_t num = 0, den = 0;
      gearman_return_t ret = gearman_client_job_status(c, jstr(cmd, "handle"), &known, &running, &num, &den);
      if (ret != GEARMAN_SUCCESS) emit("error", "id", id, "message", gearman_client_error(c), NULL);
      else {
        char n[32], d[32];
        snprintf(n, sizeof n, "%u", num);
        snprintf(d, sizeof d, "%u", den);
        emit("status-res", "id", id, "!known", known ? "true" : "false", "!running", running ? "true" : "false", "numerator", n, "denominator", d, NULL);
      }
    } else if (!strcmp(op, "quit")) {
      exit(0);
    } else {
      emit("error", "id", id ? id : "", "message", "client driver: unsupported op", NULL);
    }
    if (id) emit("done", "id", id, NULL);
  }
}

/* ------------------------------------------------------------------ worker */

static void wait_gate(const char *gate) {
  for (;;) {
    jv *cmd = read_command();
    const char *op = jstr(cmd, "op");
    const char *g = jstr(cmd, "gate");
    if (!strcmp(op, "release") && g && (!strcmp(g, gate) || !strcmp(g, "*"))) return;
    if (!strcmp(op, "quit")) exit(0);
    emit("error", "message", "worker at a gate got an unexpected op", NULL);
  }
}

/* NULL when the driver can express the outcome, else why not (README.md, "Outcome forms"). C has
   no exceptions, so no outcome can be thrown; exception/native is the explicit call, because the
   only return code for it, GEARMAN_WORK_EXCEPTION, makes libgearman send a bare WORK_FAIL. */
static const char *unsupported_outcome(const jv *o, char *buf, size_t cap) {
  const char *k = jstr(o, "kind");
  if (!k) return "behaviour has no outcome";
  if (!strcmp(k, "die")) return NULL;
  if (!strcmp(k, "exit")) {
    jv *code = jget(o, "code");
    return code && code->t == J_NUM ? NULL : "outcome exit needs an integer code";
  }
  if (strcmp(k, "complete") && strcmp(k, "fail") && strcmp(k, "exception")) {
    snprintf(buf, cap, "unknown outcome kind %s", k);
    return buf;
  }
  const char *form = jstr(o, "form");
  if (!form) form = "native";
  bool ok = !strcmp(form, "native") || !strcmp(form, "call");
  if (!ok) {
    snprintf(buf, cap, "outcome form '%s' of %s is not supported by the libgearman-c driver (C has no exceptions to throw)", form, k);
    return buf;
  }
  return NULL;
}

/* The worker function, on the classic callback API (gearman_worker_add_function, as pecl uses):
   the returned buffer becomes WORK_COMPLETE, *ret_ptr = GEARMAN_WORK_FAIL makes libgearman send
   WORK_FAIL (libgearman/worker.cc gearman_worker_work, GEARMAN_FUNCTION_FATAL), and after an
   explicit gearman_job_send_* the job is finished and libgearman sends nothing more. */
static void *run_job(gearman_job_st *job, void *context, size_t *result_size, gearman_return_t *ret_ptr) {
  const jv *b = context;
  const char *handle = gearman_job_handle(job);
  const void *workload = gearman_job_workload(job);
  size_t wlen = gearman_job_workload_size(job);
  char *wb64 = b64enc(workload, wlen);
  emit("job", "handle", handle, "function", gearman_job_function_name(job), "unique", gearman_job_unique(job), "payload", wb64, NULL);
  free(wb64);
  jv *steps = jget(b, "steps");
  for (size_t i = 0; steps && steps->t == J_ARR && i < steps->n; i++) {
    const jv *s = steps->items[i];
    const char *k = jstr(s, "kind");
    size_t len;
    unsigned char *p;
    if (!strcmp(k, "data") || !strcmp(k, "warning")) {
      p = b64dec(jstr(s, "payload"), &len);
      if (k[0] == 'd') gearman_job_send_data(job, p, len);
      else gearman_job_send_warning(job, p, len);
      free(p);
    } else if (!strcmp(k, "status")) {
      gearman_job_send_status(job, (uint32_t)jnum(s, "numerator"), (uint32_t)jnum(s, "denominator"));
    } else if (!strcmp(k, "sleep")) {
      usleep((useconds_t)(jnum(s, "ms") * 1000));
    } else if (!strcmp(k, "gate")) {
      emit("gated", "handle", handle, "gate", jstr(s, "gate"), NULL);
      wait_gate(jstr(s, "gate"));
    }
  }
  const jv *o = jget(b, "outcome");
  const char *k = jstr(o, "kind");
  const char *form = jstr(o, "form");
  bool call = form && !strcmp(form, "call");
  *result_size = 0;
  *ret_ptr = GEARMAN_SUCCESS;
  if (!strcmp(k, "die")) {
    /* Like a crash: no result packet, no graceful close. */
    kill(getpid(), SIGKILL);
    _exit(3);
  }
  if (!strcmp(k, "exit")) {
    /* The application exits while it holds the job (exit(3): atexit handlers, stdio flushed). */
    exit((int)jnum(o, "code"));
  }
  /* 'finished' goes out before the return that makes the library send the result. */
  emit("finished", "handle", handle, "outcome", k, NULL);
  if (!strcmp(k, "complete")) {
    size_t len = wlen;
    unsigned char *p;
    if (jstr(o, "payload")) p = b64dec(jstr(o, "payload"), &len);
    else {
      p = malloc(wlen + 1);
      if (wlen) memcpy(p, workload, wlen);
    }
    if (call) {
      gearman_job_send_complete(job, p, len);
      free(p);
      return NULL;
    }
    *result_size = len; /* libgearman frees the result */
    return p;
  }
  if (!strcmp(k, "fail")) {
    if (call) gearman_job_send_fail(job);
    else *ret_ptr = GEARMAN_WORK_FAIL;
    return NULL;
  }
  if (!strcmp(k, "exception")) {
    size_t len;
    unsigned char *p = b64dec(jstr(o, "payload"), &len);
    gearman_job_send_exception(job, p, len);
    free(p);
  }
  return NULL;
}

static void worker_loop(void) {
  gearman_worker_st *w = gearman_worker_create(NULL);
  if (!w) { emit("error", "message", "gearman_worker_create failed", NULL); exit(1); }
  gearman_worker_add_servers(w, srv_list);
  for (;;) {
    jv *cmd = read_command();
    const char *op = jstr(cmd, "op");
    const char *id = jstr(cmd, "id");
    if (!strcmp(op, "register")) {
      const char *fn = jstr(cmd, "function");
      jv *behaviour = jget(cmd, "behaviour");
      char why_buf[256];
      const char *why = unsupported_outcome(jget(behaviour, "outcome"), why_buf, sizeof why_buf);
      if (why) emit("error", "id", id, "message", why, NULL);
      else {
        gearman_return_t ret = gearman_worker_add_function(w, fn, 0, run_job, behaviour);
        if (ret != GEARMAN_SUCCESS) emit("error", "id", id, "message", gearman_worker_error(w), NULL);
      }
      emit("done", "id", id, NULL);
    } else if (!strcmp(op, "work")) {
      emit("done", "id", id, NULL);
      /* The application's loop, without a retry. gearman_worker_work() also returns the code the
         job just run ended with (GEARMAN_WORK_FAIL / GEARMAN_WORK_EXCEPTION): that is the job's
         own outcome, already sent, and the loop goes on. Any other failure ends the process. */
      for (;;) {
        gearman_return_t ret = gearman_worker_work(w);
        if (ret == GEARMAN_SUCCESS || ret == GEARMAN_WORK_FAIL || ret == GEARMAN_WORK_EXCEPTION) continue;
        char msg[1024];
        snprintf(msg, sizeof msg, "work: %s (%s)", gearman_worker_error(w) ? gearman_worker_error(w) : "", gearman_strerror(ret));
        emit("error", "message", msg, NULL);
        fprintf(stderr, "gearspec c driver: %s\n", msg);
        exit(1);
      }
    } else if (!strcmp(op, "quit")) {
      exit(0);
    } else {
      emit("error", "id", id ? id : "", "message", "worker driver: unsupported op before work", NULL);
      if (id) emit("done", "id", id, NULL);
    }
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  char ctl_host[256];
  int ctl_port;
  split_host_port(env_or_die("GEARSPEC_CONTROL"), ctl_host, sizeof ctl_host, &ctl_port);
  srv_list = env_or_die("GEARSPEC_SERVER");
  const char *role = env_or_die("GEARSPEC_ROLE");

  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)ctl_port);
  if (inet_pton(AF_INET, ctl_host, &sa.sin_addr) != 1) { fprintf(stderr, "gearspec c driver: bad control host %s\n", ctl_host); return 2; }
  ctl = socket(AF_INET, SOCK_STREAM, 0);
  if (ctl < 0 || connect(ctl, (struct sockaddr *)&sa, sizeof sa) != 0) { perror("gearspec c driver: control connect"); return 2; }
  int one = 1;
  setsockopt(ctl, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  char lib[128];
  snprintf(lib, sizeof lib, "libgearman %s (C API)", gearman_version());
  char pid[32];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  emit("hello", "implementation", "libgearman-c", "library", lib, "version", gearman_version(), "role", role, "!pid", pid, "!protocol", "2", NULL);

  if (!strcmp(role, "client")) client_loop();
  else if (!strcmp(role, "worker")) worker_loop();
  emit("error", "message", "unknown role", NULL);
  return 2;
}
