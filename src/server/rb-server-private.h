/* rb-server-private.h — the RbServer instance and the request plumbing
 * shared by rb-server.c (object, plumbing, routing), rb-server-runs.c
 * (runs list and detail) and rb-server-routes.c (templates, run creation,
 * series, telemetry captures)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "rb-ident.h"
#include "rb-run-store.h"
#include "rb-server.h"

G_BEGIN_DECLS

#define RB_SERVER_JSON_TYPE "application/json"
/* api.md: request bodies over 1 MiB are 413. */
#define RB_SERVER_MAX_BODY_SIZE (1024 * 1024)

struct _RbServer
{
  GObject       parent_instance;

  /* Owned references */
  SoupServer   *soup;
  GSocketService *listener;       /* accepts for @soup (rb_server_listen) */
  RbRunStore   *store;
  GPtrArray    *shutdown_tasks;   /* of GTask */
  char         *data_dir;
  char         *token;            /* nullable: no auth */
  GPtrArray    *output_roots;     /* of char*, NULL-terminated */
  GThreadPool  *slow_pool;        /* run creation and generation */
  GMainContext *context;          /* where the server answers */

  /* GET /v1/runs bodies by ETag (query + change stamp) and the runs
   * folder's mtime; emptied when either changes (rb-server-runs.c) */
  GMutex        list_cache_lock;
  GHashTable   *list_cache;       /* char* → GBytes */
  char         *list_cache_state; /* stamp + mtime the entries belong to */

  guint         n_pending;
  guint16       port;
  guint         telemetry_generation : 1;
  guint         shutting_down : 1;
};

/* One request, shared by the main loop and (read-only) a worker thread.
 * Freed when the last reference goes: the message finished and the worker
 * (if any) reported back. */
typedef struct
{
  RbServer          *server;        /* owned */
  SoupServerMessage *msg;           /* owned; NULL once finished */
  GCancellable      *cancellable;
  GHashTable        *query;         /* owned, string → string; never NULL */
  char              *method;
  char              *path;          /* raw (percent-encoded) */
  char              *raw_query;     /* "" when absent */
  char              *if_none_match; /* nullable */
  char              *run_id;        /* decoded and validated, for /v1/runs/{id} */
  char              *item_id;       /* decoded and validated: templateId or seriesId */
  GBytes            *body;          /* the request body, for POST */
  char              *content_type;  /* media type of the body; nullable */
  gint64             start_us;
} Request;

/* What a worker computed; applied to the message on the main loop. */
typedef struct
{
  guint       status;
  GBytes     *body;          /* nullable: no body (304) */
  char       *content_type;  /* nullable: application/json */
  char       *etag;          /* nullable */
  char       *location;      /* nullable */
} Response;

typedef Response *(*RbServerWorkFunc) (RbServer     *self,
                                       Request      *req,
                                       GCancellable *cancellable);

void      _rb_server_response_free        (Response      *response);
Response *_rb_server_response_new_json    (guint          status,
                                           JsonNode      *body);
Response *_rb_server_response_new_error   (const GError  *error);

void      _rb_server_request_respond      (Request       *req,
                                           Response      *response);
void      _rb_server_request_respond_error (Request      *req,
                                            const GError *error);
/* Pauses the message and runs @func in GTask's thread pool (quick reads). */
void      _rb_server_request_run_in_thread (Request          *req,
                                            RbServerWorkFunc  func);
/* Pauses the message and runs @func on the server's own pool for work that
 * may wait on locks (run creation, generation), so reads never starve. */
void      _rb_server_request_run_slow      (Request          *req,
                                            RbServerWorkFunc  func);

/* Percent-decodes a path segment once, then validates it as @kind. */
char     *_rb_server_decode_ident          (const char   *segment,
                                            RbIdentKind   kind,
                                            const char   *field,
                                            GError      **error);
/* Content-Type application/json (415 otherwise) and a body that parses
 * (400 naming the line otherwise). */
JsonNode *_rb_server_request_parse_json    (Request      *req,
                                            GError      **error);

/* rb-server-runs.c */
void _rb_server_route_list_runs (RbServer  *self,
                                 Request   *req,
                                 char     **args);
void _rb_server_route_get_run (RbServer  *self,
                               Request   *req,
                               char     **args);

/* rb-server-routes.c */
void _rb_server_route_list_templates (RbServer  *self,
                                      Request   *req,
                                      char     **args);
void _rb_server_route_get_template (RbServer  *self,
                                    Request   *req,
                                    char     **args);
void _rb_server_route_create_run (RbServer  *self,
                                  Request   *req,
                                  char     **args);
void _rb_server_route_series_index (RbServer  *self,
                                    Request   *req,
                                    char     **args);
void _rb_server_route_series_csv (RbServer  *self,
                                  Request   *req,
                                  char     **args);
void _rb_server_route_create_capture (RbServer  *self,
                                      Request   *req,
                                      char     **args);
void _rb_server_route_list_captures (RbServer  *self,
                                     Request   *req,
                                     char     **args);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, _rb_server_response_free)

G_END_DECLS
