/* rb-remote-backend.c — RbBackend as a client of runboard-server (api.md)
 *
 * One SoupSession, async requests on the caller's main context. HTTP status
 * codes are checked here (libsoup reports a 404 as success): a non-2xx
 * answer becomes the RB_ERROR its body names, so callers see the same
 * errors as with RbLocalBackend. Small bodies (one run, healthz) are parsed
 * in the callback; listing pages (up to 500 summaries) in a worker thread.
 *
 * Change notification: GET /v1/runs?pageSize=1 carries an ETag derived from
 * the data folder's change stamp. list_runs first asks for it (the listing
 * that follows is at least that new), then polling compares it every
 * poll-interval-ms with If-None-Match: a 304 is "nothing changed", a new
 * ETag emits RbBackend::changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-remote-backend"

#include "config.h"

#include <stdlib.h>

#include <libsoup/soup.h>
#include <string.h>

#include "rb-error.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-remote-backend.h"
#include "rb-run-store.h"

#define DEFAULT_POLL_INTERVAL_MS 3000
/* An I/O timeout: generous, since a generation answers only when done. */
#define REQUEST_TIMEOUT_SECONDS  120
#define LIST_PAGE_SIZE           RB_RUN_QUERY_MAX_PAGE_SIZE
#define USER_AGENT               "runboard/" PACKAGE_VERSION
#define PROBE_PATH               "v1/runs?pageSize=1"

struct _RbRemoteBackend
{
  GObject       parent_instance;

  /* Owned references */
  char         *base_url;      /* with a trailing "/" */
  char         *token;         /* nullable */
  char         *host;          /* display name: the host alone */
  char         *authority;     /* host[:port], for messages */
  char         *url_problem;   /* nullable: why base_url cannot be used */
  SoupSession  *session;
  GMainContext *context;       /* where ::changed is emitted */
  GCancellable *cancellable;   /* polling; cancelled in dispose */
  GSource      *poll_source;   /* nullable: the next poll */
  char         *etag;          /* nullable: the last probe's ETag */

  guint         poll_interval_ms;
  guint         polling : 1;         /* started by the first list_runs */
  guint         poll_in_flight : 1;
  guint         disposed : 1;
};

static void rb_remote_backend_iface_init (RbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RbRemoteBackend, rb_remote_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RB_TYPE_BACKEND,
                                                      rb_remote_backend_iface_init))

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_POLL_INTERVAL_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_poll (RbRemoteBackend *self);

/*
 * Requests and responses
 */

/* A request for <base_url><path>, or NULL with RB_ERROR_INVALID_REQUEST. */
static SoupMessage *
new_message (RbRemoteBackend  *self,
             const char       *method,
             const char       *path,
             GError          **error)
{
  g_autofree char *url = NULL;
  SoupMessageHeaders *headers;
  SoupMessage *msg;

  if (self->url_problem != NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, NULL, "%s", self->url_problem);
      return NULL;
    }

  url = g_strconcat (self->base_url, path, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, NULL,
                          "“%s” is not a valid server address", self->base_url);
      return NULL;
    }

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }

  return msg;
}

static SoupMessage *
new_request (RbRemoteBackend  *self,
             const char       *path,
             GError          **error)
{
  return new_message (self, SOUP_METHOD_GET, path, error);
}

/* For answers without an error body: the code a status means on its own.
 * Statuses shared by several codes (422) or foreign to api.md are
 * "internal". */
static RbErrorCode
code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      return RB_ERROR_INVALID_REQUEST;
    case SOUP_STATUS_UNAUTHORIZED:
      return RB_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return RB_ERROR_DISABLED;
    case SOUP_STATUS_NOT_FOUND:
      return RB_ERROR_NOT_FOUND;
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
      return RB_ERROR_METHOD_NOT_ALLOWED;
    case SOUP_STATUS_CONFLICT:
      return RB_ERROR_ALREADY_EXISTS;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return RB_ERROR_PAYLOAD_TOO_LARGE;
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
      return RB_ERROR_UNSUPPORTED_MEDIA_TYPE;
    default:
      return RB_ERROR_INTERNAL;
    }
}

/* An error body {"error", "code"[, "field"]} becomes the same RB_ERROR. */
static void
set_error_from_response (RbRemoteBackend  *self,
                         SoupMessage      *msg,
                         GBytes           *body,
                         GError          **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *message = NULL;
  const char *code_str = NULL;
  const char *field = NULL;
  RbErrorCode code;
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  if (data != NULL && length > 0 &&
      json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));

      message = rb_json_get_string (object, "error");
      code_str = rb_json_get_string (object, "code");
      field = rb_json_get_string (object, "field");
    }

  if (message != NULL && code_str != NULL && rb_error_code_from_string (code_str, &code))
    {
      rb_set_error_field (error, code, field, "%s", message);
      return;
    }

  /* Not one of ours (a proxy, an older server): say what came back. */
  rb_set_error_field (error, code_for_status (status), NULL,
                      "The server at %s answered %u %s",
                      self->authority, status,
                      soup_message_get_reason_phrase (msg) != NULL
                        ? soup_message_get_reason_phrase (msg)
                        : soup_status_get_phrase (status));
}

/* Finishes soup_session_send_and_read_async(): the body of a 2xx, 304 or
 * @also_ok (0: none) answer, else NULL with G_IO_ERROR_CANCELLED,
 * RB_ERROR_UNREACHABLE or the server's error. */
static GBytes *
finish_request_full (RbRemoteBackend  *self,
                     GObject          *session,
                     SoupMessage      *msg,
                     GAsyncResult     *result,
                     guint             also_ok,
                     GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (session), result, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        rb_set_error_field (error, RB_ERROR_UNREACHABLE, NULL,
                            "Can't reach the server at %s: %s",
                            self->authority, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (SOUP_STATUS_IS_SUCCESSFUL (status) || status == SOUP_STATUS_NOT_MODIFIED ||
      (also_ok != 0 && status == also_ok))
    return g_steal_pointer (&body);

  set_error_from_response (self, msg, body, error);
  return NULL;
}

static GBytes *
finish_request (RbRemoteBackend  *self,
                GObject          *session,
                SoupMessage      *msg,
                GAsyncResult     *result,
                GError          **error)
{
  return finish_request_full (self, session, msg, result, 0, error);
}

/* A JSON object body, or NULL with RB_ERROR_INTERNAL. */
static JsonObject *
parse_object (const char  *authority,
              GBytes      *body,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", (gssize) length, &local_error))
    {
      rb_set_error_field (error, RB_ERROR_INTERNAL, NULL,
                          "The server at %s sent a response that is not valid JSON: %s",
                          authority, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      rb_set_error_field (error, RB_ERROR_INTERNAL, NULL,
                          "The server at %s sent a response that is not a JSON object",
                          authority);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Reads one run of a response; a run the client cannot read is a broken
 * response, not a broken run (the server reports those with diagnostic). */
static RbRun *
run_from_json (const char  *authority,
               JsonObject  *object,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  RbRun *run;

  run = rb_run_new_from_json (object, &local_error);
  if (run == NULL)
    rb_set_error_field (error, RB_ERROR_INTERNAL, NULL,
                        "The server at %s sent a run that cannot be read: %s",
                        authority, local_error->message);
  return run;
}

/*
 * The probe: GET /v1/runs?pageSize=1, for its ETag
 */

typedef void (*ProbeFunc) (RbRemoteBackend *self,
                           guint            status,
                           const char      *etag,
                           const GError    *error,
                           gpointer         user_data);

typedef struct
{
  GWeakRef     self;
  SoupMessage *msg;
  ProbeFunc    func;
  gpointer     user_data;
} Probe;

static void
probe_free (Probe *probe)
{
  g_weak_ref_clear (&probe->self);
  g_clear_object (&probe->msg);
  g_free (probe);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(RbRemoteBackend) self = g_weak_ref_get (&probe->self);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    {
      /* Gone: nobody to tell. Still finish the request. */
      g_autoptr(GBytes) ignored = soup_session_send_and_read_finish (SOUP_SESSION (object),
                                                                      result, NULL);
      probe_free (probe);
      return;
    }

  body = finish_request (self, object, probe->msg, result, &error);
  probe->func (self, soup_message_get_status (probe->msg),
               soup_message_headers_get_one (soup_message_get_response_headers (probe->msg),
                                             "ETag"),
               error, probe->user_data);
  probe_free (probe);
}

static void
send_probe (RbRemoteBackend *self,
            GCancellable    *cancellable,
            ProbeFunc        func,
            gpointer         user_data)
{
  g_autoptr(GError) error = NULL;
  Probe *probe;

  probe = g_new0 (Probe, 1);
  g_weak_ref_init (&probe->self, self);
  probe->func = func;
  probe->user_data = user_data;
  probe->msg = new_request (self, PROBE_PATH, &error);
  if (probe->msg == NULL)
    {
      func (self, 0, NULL, error, user_data);
      probe_free (probe);
      return;
    }

  if (self->etag != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (probe->msg),
                                  "If-None-Match", self->etag);

  soup_session_send_and_read_async (self->session, probe->msg, G_PRIORITY_DEFAULT,
                                    cancellable, probe_cb, probe);
}

/*
 * Polling for changes
 */

static void
poll_done (RbRemoteBackend *self,
           guint            status,
           const char      *etag,
           const GError    *error,
           gpointer         user_data)
{
  self->poll_in_flight = FALSE;

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* Keep the last ETag: a server that comes back unchanged is no news. */
      g_debug ("Polling %s: %s", self->authority, error->message);
    }
  else if (status == SOUP_STATUS_OK && etag != NULL && g_strcmp0 (etag, self->etag) != 0)
    {
      g_free (self->etag);
      self->etag = g_strdup (etag);
      g_debug ("Runs on %s changed", self->authority);
      rb_backend_emit_changed (RB_BACKEND (self));
    }

  schedule_poll (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  RbRemoteBackend *self = user_data;

  g_clear_pointer (&self->poll_source, g_source_unref);
  self->poll_in_flight = TRUE;

  /* libsoup answers on the thread-default context of the caller. */
  g_main_context_push_thread_default (self->context);
  send_probe (self, self->cancellable, poll_done, NULL);
  g_main_context_pop_thread_default (self->context);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (RbRemoteBackend *self)
{
  if (self->disposed || !self->polling || self->poll_interval_ms == 0 ||
      self->poll_source != NULL || self->poll_in_flight)
    return;

  self->poll_source = g_timeout_source_new (self->poll_interval_ms);
  g_source_set_name (self->poll_source, "[runboard] poll server");
  g_source_set_callback (self->poll_source, poll_cb, self, NULL);
  g_source_attach (self->poll_source, self->context);
}

static void
unschedule_poll (RbRemoteBackend *self)
{
  if (self->poll_source != NULL)
    {
      g_source_destroy (self->poll_source);
      g_clear_pointer (&self->poll_source, g_source_unref);
    }
}

/*
 * list_runs: the probe, then every page of pageSize=500
 */

typedef struct
{
  char        *authority;
  GPtrArray   *runs;       /* of RbRun */
  GHashTable  *seen;       /* run ids in runs (borrowed keys) */
  SoupMessage *msg;        /* the page in flight */
  guint        page;
  guint        total_count;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->authority, g_free);
  g_clear_pointer (&data->seen, g_hash_table_unref);
  g_clear_pointer (&data->runs, g_ptr_array_unref);
  g_clear_object (&data->msg);
  g_free (data);
}

typedef struct
{
  char      *authority;
  GBytes    *body;
  GPtrArray *runs;
  guint      total_count;
} PageData;

static void
page_data_free (PageData *data)
{
  g_clear_pointer (&data->authority, g_free);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_clear_pointer (&data->runs, g_ptr_array_unref);
  g_free (data);
}

static void fetch_page (GTask *task);

/* Worker: {"items":[RunSummary],"totalCount":N,…} → RbRun objects. */
static void
parse_page_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PageData *data = task_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items;
  gint64 total;

  object = parse_object (data->authority, data->body, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  items = rb_json_get_array (object, "items");
  total = rb_json_get_int (object, "totalCount", -1);
  if (items == NULL || total < 0 || total > G_MAXUINT)
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_INTERNAL,
                               "The server at %s sent a run list without items or totalCount",
                               data->authority);
      return;
    }

  data->total_count = (guint) total;
  data->runs = g_ptr_array_new_full (json_array_get_length (items), g_object_unref);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      RbRun *run;

      if (g_task_return_error_if_cancelled (task))
        return;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_task_return_new_error (task, RB_ERROR, RB_ERROR_INTERNAL,
                                   "The server at %s sent a run list item that is not an object",
                                   data->authority);
          return;
        }

      run = run_from_json (data->authority, json_node_get_object (node), &error);
      if (run == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (data->runs, run);
    }

  g_task_return_boolean (task, TRUE);
}

static void
page_parsed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  PageData *page = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  guint n_new = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->total_count = page->total_count;
  for (guint i = 0; i < page->runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (page->runs, i);

      /* A run created while paging shifts later pages by one: skip the
       * run seen twice rather than listing it twice. */
      if (g_hash_table_contains (data->seen, rb_run_get_run_id (run)))
        continue;
      g_ptr_array_add (data->runs, g_object_ref (run));
      g_hash_table_add (data->seen, (gpointer) rb_run_get_run_id (run));
      n_new++;
    }

  if (page->runs->len == 0 || n_new == 0 || data->runs->len >= data->total_count)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->runs),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  data->page++;
  fetch_page (g_steal_pointer (&task));
}

static void
page_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GTask) parse_task = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  PageData *page;

  body = finish_request (self, object, data->msg, result, &error);
  g_clear_object (&data->msg);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  page = g_new0 (PageData, 1);
  page->authority = g_strdup (data->authority);
  page->body = g_steal_pointer (&body);

  cancellable = g_task_get_cancellable (task);
  parse_task = g_task_new (self, cancellable, page_parsed_cb, g_steal_pointer (&task));
  g_task_set_source_tag (parse_task, parse_page_worker);
  g_task_set_name (parse_task, "[runboard] parse run list");
  g_task_set_task_data (parse_task, page, (GDestroyNotify) page_data_free);
  g_task_run_in_thread (parse_task, parse_page_worker);
}

static void
fetch_page (GTask *task)
{
  RbRemoteBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  path = g_strdup_printf ("v1/runs?sort=created&order=desc&page=%u&pageSize=%u",
                          data->page, LIST_PAGE_SIZE);
  data->msg = new_request (self, path, &error);
  if (data->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  soup_session_send_and_read_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    page_fetched_cb, task);
}

static void
list_probe_done (RbRemoteBackend *self,
                 guint            status,
                 const char      *etag,
                 const GError    *error,
                 gpointer         user_data)
{
  GTask *task = user_data;

  if (error != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }

  /* The listing that follows is at least as new as this ETag: changes
   * after it are news for the poll. */
  if (etag != NULL && status == SOUP_STATUS_OK)
    {
      g_free (self->etag);
      self->etag = g_strdup (etag);
    }
  if (!self->polling)
    {
      self->polling = TRUE;
      schedule_poll (self);
    }

  fetch_page (task);
}

/*
 * get_run and get_capabilities: one request, parsed in the callback
 */

static void
get_run_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  RbRun *run;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run = run_from_json (self->authority, json, &error);
  if (run == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, run, g_object_unref);
}

static void
get_capabilities_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *capabilities;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A capability the server does not mention is one it does not have. */
  capabilities = rb_json_get_object (json, "capabilities");
  g_task_return_pointer (task,
                         rb_backend_capabilities_new (capabilities != NULL &&
                                                      rb_json_get_bool (capabilities,
                                                                        "telemetryGeneration",
                                                                        FALSE),
                                                      rb_json_get_string (json, "version")),
                         (GDestroyNotify) rb_backend_capabilities_free);
}

static RbTemplate *
template_from_json (const char  *authority,
                    JsonObject  *object,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  RbTemplate *template;

  template = rb_template_new_from_json (object, &local_error);
  if (template == NULL)
    rb_set_error_field (error, RB_ERROR_INTERNAL, NULL,
                        "The server at %s sent a template that cannot be read: %s",
                        authority, local_error->message);
  return template;
}

/* {"items":[TemplateSummary]}: a few small objects, read here. */
static void
list_templates_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  items = rb_json_get_array (json, "items");
  if (items == NULL)
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_INTERNAL,
                               "The server at %s sent a template list without items",
                               self->authority);
      return;
    }

  templates = g_ptr_array_new_full (json_array_get_length (items), g_object_unref);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      RbTemplate *template;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_task_return_new_error (task, RB_ERROR, RB_ERROR_INTERNAL,
                                   "The server at %s sent a template list item that is not an object",
                                   self->authority);
          return;
        }

      template = template_from_json (self->authority, json_node_get_object (node), &error);
      if (template == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (templates, template);
    }

  g_task_return_pointer (task, g_steal_pointer (&templates), (GDestroyNotify) g_ptr_array_unref);
}

static void
get_template_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  RbTemplate *template;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  template = template_from_json (self->authority, json, &error);
  if (template == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, template, g_object_unref);
}

/* {"items":[…]}: passed on as it came, once it is checked to be that. */
static void
list_captures_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (rb_json_get_array (json, "items") == NULL)
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_INTERNAL,
                               "The server at %s sent a telemetry bundle list without items",
                               self->authority);
      return;
    }

  node = json_node_init_object (json_node_alloc (), json);
  g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

typedef struct
{
  SoupMessage *msg;
  JsonNode    *body;     /* the response body */
  guint        status;   /* 200, 201 or 409 */
} PostData;

static void
post_data_free (PostData *data)
{
  g_clear_object (&data->msg);
  g_clear_pointer (&data->body, json_node_unref);
  g_free (data);
}

/* 200 and a 409 carrying "capture" are answers; the rest are errors. */
static void
generate_telemetry_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  PostData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = finish_request_full (self, object, data->msg, result, SOUP_STATUS_CONFLICT, &error);
  status = soup_message_get_status (data->msg);

  if (body != NULL && status == SOUP_STATUS_CONFLICT)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize length = 0;
      const char *text = g_bytes_get_data (body, &length);

      /* A 409 without the existing bundle is an ordinary error. */
      if (text == NULL ||
          !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
          rb_json_get_object (json_node_get_object (json_parser_get_root (parser)),
                              "capture") == NULL)
        {
          set_error_from_response (self, data->msg, body, &error);
          g_clear_pointer (&body, g_bytes_unref);
        }
    }

  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->status = status;
  data->body = json_node_init_object (json_node_alloc (), json);
  g_task_return_boolean (task, TRUE);
}

/* POST /v1/runs: any 2xx body is the answer (201 created, 200 dry run). */
static void
create_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  PostData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = finish_request (self, object, data->msg, result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->status = soup_message_get_status (data->msg);
  data->body = json_node_init_object (json_node_alloc (), json);
  g_task_return_boolean (task, TRUE);
}

/* POSTs @request to @path; @task's data becomes the PostData (a POST's
 * answer: body and status) @callback fills in. */
static void
post_json (RbRemoteBackend     *self,
           GTask               *task,
           const char          *path,
           JsonNode            *request,
           GAsyncReadyCallback  callback)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  PostData *data;

  data = g_new0 (PostData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) post_data_free);
  data->msg = new_message (self, SOUP_METHOD_POST, path, &error);
  if (data->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  bytes = rb_json_to_bytes (request);
  soup_message_set_request_body_from_bytes (data->msg, "application/json", bytes);
  soup_session_send_and_read_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), callback,
                                    g_object_ref (task));
}

/* Sends GET <path> for @task (task data: the message) to @callback. */
static void
send_for_task (RbRemoteBackend     *self,
               GTask               *task,
               const char          *path,
               GAsyncReadyCallback  callback)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;

  msg = new_request (self, path, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    callback, g_object_ref (task));
}

/*
 * list_runs_page, read_series_index, read_series: bodies passed on as sent
 */

/* Any JSON object body, as a node. */
static void
object_body_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body != NULL)
    json = parse_object (self->authority, body, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, json_node_init_object (json_node_alloc (), json),
                         (GDestroyNotify) json_node_unref);
}

static void
bytes_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RbRemoteBackend *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  body = finish_request (self, object, g_task_get_task_data (task), result, &error);
  if (body == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
rb_remote_backend_list_runs_page_async (RbBackend           *backend,
                                        GHashTable          *params,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) path = g_string_new ("v1/runs");
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_list_runs_page_async);
  g_task_set_name (task, "[runboard] list runs page");

  if (params != NULL)
    keys = g_hash_table_get_keys_as_array (params, &n_keys);
  if (n_keys > 0)
    qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *value = g_hash_table_lookup (params, keys[i]);

      g_string_append_c (path, i == 0 ? '?' : '&');
      g_string_append_uri_escaped (path, keys[i], NULL, FALSE);
      g_string_append_c (path, '=');
      g_string_append_uri_escaped (path, value != NULL ? value : "", NULL, FALSE);
    }
  send_for_task (self, task, path->str, object_body_cb);
}

static void
rb_remote_backend_read_series_index_async (RbBackend           *backend,
                                           const char          *run_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_read_series_index_async);
  g_task_set_name (task, "[runboard] read series index");

  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "runId", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  escaped = g_uri_escape_string (run_id, NULL, FALSE);
  path = g_strconcat ("v1/runs/", escaped, "/series", NULL);
  send_for_task (self, task, path, object_body_cb);
}

static void
rb_remote_backend_read_series_async (RbBackend           *backend,
                                     const char          *run_id,
                                     const char          *series_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped_run = NULL;
  g_autofree char *escaped_series = NULL;
  g_autofree char *path = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_read_series_async);
  g_task_set_name (task, "[runboard] read series");

  /* both checked before they become part of a URL, as the server does */
  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "runId", &error) ||
      !rb_ident_validate (RB_IDENT_SERIES_ID, series_id, -1, "seriesId", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  escaped_run = g_uri_escape_string (run_id, NULL, FALSE);
  escaped_series = g_uri_escape_string (series_id, NULL, FALSE);
  path = g_strconcat ("v1/runs/", escaped_run, "/series/", escaped_series, NULL);
  send_for_task (self, task, path, bytes_body_cb);
}

static gpointer
propagate_pointer (RbBackend     *backend,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * RbBackend
 */

static const char *
rb_remote_backend_get_display_name (RbBackend *backend)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);

  return self->host;
}

static void
rb_remote_backend_list_runs_async (RbBackend           *backend,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  ListData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_list_runs_async);
  g_task_set_name (task, "[runboard] list runs");

  data = g_new0 (ListData, 1);
  data->authority = g_strdup (self->authority);
  data->runs = g_ptr_array_new_with_free_func (g_object_unref);
  data->seen = g_hash_table_new (g_str_hash, g_str_equal);
  data->page = 1;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  send_probe (self, cancellable, list_probe_done, g_steal_pointer (&task));
}

static GPtrArray *
rb_remote_backend_list_runs_finish (RbBackend     *backend,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_remote_backend_get_run_async (RbBackend           *backend,
                                 const char          *run_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_get_run_async);
  g_task_set_name (task, "[runboard] get run");

  /* Core's rule, checked before the id becomes part of a URL (".." would
   * otherwise be resolved away by the URL parser); the server checks it
   * again with the same words. */
  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "runId", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  escaped = g_uri_escape_string (run_id, NULL, FALSE);
  path = g_strconcat ("v1/runs/", escaped, NULL);
  send_for_task (self, task, path, get_run_cb);
}

static RbRun *
rb_remote_backend_get_run_finish (RbBackend     *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_remote_backend_get_capabilities_async (RbBackend           *backend,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_get_capabilities_async);
  g_task_set_name (task, "[runboard] get capabilities");
  send_for_task (self, task, "v1/healthz", get_capabilities_cb);
}

static RbBackendCapabilities *
rb_remote_backend_get_capabilities_finish (RbBackend     *backend,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_remote_backend_list_templates_async (RbBackend           *backend,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_list_templates_async);
  g_task_set_name (task, "[runboard] list templates");
  send_for_task (self, task, "v1/templates", list_templates_cb);
}

static GPtrArray *
rb_remote_backend_list_templates_finish (RbBackend     *backend,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_remote_backend_get_template_async (RbBackend           *backend,
                                      const char          *template_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_get_template_async);
  g_task_set_name (task, "[runboard] get template");

  /* As for run ids: core's rule before the id enters a URL. */
  if (!rb_ident_validate (RB_IDENT_TEMPLATE_ID, template_id, -1, "templateId", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  escaped = g_uri_escape_string (template_id, NULL, FALSE);
  path = g_strconcat ("v1/templates/", escaped, NULL);
  send_for_task (self, task, path, get_template_cb);
}

static RbTemplate *
rb_remote_backend_get_template_finish (RbBackend     *backend,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_remote_backend_list_captures_async (RbBackend           *backend,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_list_captures_async);
  g_task_set_name (task, "[runboard] list captures");
  send_for_task (self, task, "v1/telemetry/captures", list_captures_cb);
}

static JsonNode *
rb_remote_backend_list_captures_finish (RbBackend     *backend,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_remote_backend_generate_telemetry_async (RbBackend           *backend,
                                            JsonNode            *request,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_generate_telemetry_async);
  g_task_set_name (task, "[runboard] generate telemetry");
  post_json (self, task, "v1/telemetry/captures", request, generate_telemetry_cb);
}

static JsonNode *
rb_remote_backend_generate_telemetry_finish (RbBackend     *backend,
                                             GAsyncResult  *result,
                                             guint         *http_status,
                                             GError       **error)
{
  PostData *data;

  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (http_status != NULL)
    *http_status = data->status;
  return json_node_ref (data->body);
}

static void
rb_remote_backend_create_run_async (RbBackend           *backend,
                                    JsonNode            *request,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_remote_backend_create_run_async);
  g_task_set_name (task, "[runboard] create run");
  post_json (self, task, "v1/runs", request, create_run_cb);
}

static void
rb_remote_backend_iface_init (RbBackendInterface *iface)
{
  iface->get_display_name = rb_remote_backend_get_display_name;
  iface->list_runs_async = rb_remote_backend_list_runs_async;
  iface->list_runs_finish = rb_remote_backend_list_runs_finish;
  iface->get_run_async = rb_remote_backend_get_run_async;
  iface->get_run_finish = rb_remote_backend_get_run_finish;
  iface->get_capabilities_async = rb_remote_backend_get_capabilities_async;
  iface->get_capabilities_finish = rb_remote_backend_get_capabilities_finish;
  iface->list_templates_async = rb_remote_backend_list_templates_async;
  iface->list_templates_finish = rb_remote_backend_list_templates_finish;
  iface->get_template_async = rb_remote_backend_get_template_async;
  iface->get_template_finish = rb_remote_backend_get_template_finish;
  iface->list_captures_async = rb_remote_backend_list_captures_async;
  iface->list_captures_finish = rb_remote_backend_list_captures_finish;
  iface->generate_telemetry_async = rb_remote_backend_generate_telemetry_async;
  iface->generate_telemetry_finish = rb_remote_backend_generate_telemetry_finish;
  iface->create_run_async = rb_remote_backend_create_run_async;
  /* Same result shape: a body and its status. */
  iface->create_run_finish = rb_remote_backend_generate_telemetry_finish;
  iface->list_runs_page_async = rb_remote_backend_list_runs_page_async;
  iface->list_runs_page_finish = (JsonNode *(*) (RbBackend *, GAsyncResult *, GError **)) propagate_pointer;
  iface->read_series_index_async = rb_remote_backend_read_series_index_async;
  iface->read_series_index_finish = (JsonNode *(*) (RbBackend *, GAsyncResult *, GError **)) propagate_pointer;
  iface->read_series_async = rb_remote_backend_read_series_async;
  iface->read_series_finish = (GBytes *(*) (RbBackend *, GAsyncResult *, GError **)) propagate_pointer;
}

/*
 * GObject
 */

static void
parse_base_url (RbRemoteBackend *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  const char *scheme;
  const char *host;
  int port;

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, &error);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      self->url_problem = g_strdup_printf ("“%s” is not a server address "
                                           "(expected http://HOST:PORT/)", self->base_url);
      self->host = g_strdup (self->base_url);
      self->authority = g_strdup (self->base_url);
      return;
    }

  self->host = g_strdup (host);
  port = g_uri_get_port (uri);
  if (port > 0 && strchr (host, ':') != NULL)
    self->authority = g_strdup_printf ("[%s]:%d", host, port);
  else if (port > 0)
    self->authority = g_strdup_printf ("%s:%d", host, port);
  else
    self->authority = g_strdup (host);
}

static void
rb_remote_backend_constructed (GObject *object)
{
  RbRemoteBackend *self = (RbRemoteBackend *)object;

  G_OBJECT_CLASS (rb_remote_backend_parent_class)->constructed (object);

  g_assert (self->base_url != NULL);

  parse_base_url (self);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS,
                                                 "user-agent", USER_AGENT,
                                                 NULL);
}

static void
rb_remote_backend_dispose (GObject *object)
{
  RbRemoteBackend *self = (RbRemoteBackend *)object;

  self->disposed = TRUE;
  unschedule_poll (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (rb_remote_backend_parent_class)->dispose (object);
}

static void
rb_remote_backend_finalize (GObject *object)
{
  RbRemoteBackend *self = (RbRemoteBackend *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->authority, g_free);
  g_clear_pointer (&self->url_problem, g_free);
  g_clear_pointer (&self->etag, g_free);

  G_OBJECT_CLASS (rb_remote_backend_parent_class)->finalize (object);
}

static void
rb_remote_backend_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_POLL_INTERVAL_MS:
      g_value_set_uint (value, self->poll_interval_ms);
      break;

    case PROP_TOKEN:   /* write-only */
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_remote_backend_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  RbRemoteBackend *self = RB_REMOTE_BACKEND (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);

        g_return_if_fail (url != NULL);
        if (g_str_has_suffix (url, "/"))
          self->base_url = g_strdup (url);
        else
          self->base_url = g_strconcat (url, "/", NULL);
      }
      break;

    case PROP_TOKEN:
      g_clear_pointer (&self->token, g_free);
      self->token = g_value_dup_string (value);
      break;

    case PROP_POLL_INTERVAL_MS:
      if (self->poll_interval_ms != g_value_get_uint (value))
        {
          self->poll_interval_ms = g_value_get_uint (value);
          if (self->context != NULL)
            {
              unschedule_poll (self);
              schedule_poll (self);
            }
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_remote_backend_class_init (RbRemoteBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = rb_remote_backend_constructed;
  object_class->dispose = rb_remote_backend_dispose;
  object_class->finalize = rb_remote_backend_finalize;
  object_class->get_property = rb_remote_backend_get_property;
  object_class->set_property = rb_remote_backend_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  /* Write-only: a secret has no business in property dumps. */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_WRITABLE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * RbRemoteBackend:poll-interval-ms:
   *
   * How often to ask the server whether its runs changed; 0 never asks.
   */
  properties[PROP_POLL_INTERVAL_MS] =
    g_param_spec_uint ("poll-interval-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_POLL_INTERVAL_MS,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_remote_backend_init (RbRemoteBackend *self)
{
}

RbRemoteBackend *
rb_remote_backend_new (const char *base_url,
                       const char *token)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (RB_TYPE_REMOTE_BACKEND,
                       "base-url", base_url,
                       "token", token,
                       NULL);
}

const char *
rb_remote_backend_get_base_url (RbRemoteBackend *self)
{
  g_return_val_if_fail (RB_IS_REMOTE_BACKEND (self), NULL);

  return self->base_url;
}
