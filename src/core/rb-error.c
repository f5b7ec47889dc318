/* rb-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-error"

#include "config.h"

#include "rb-error.h"
#include "rb-json.h"

typedef struct
{
  char *field;
} RbErrorPrivate;

static void
rb_error_private_init (RbErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
rb_error_private_copy (const RbErrorPrivate *src,
                       RbErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
}

static void
rb_error_private_clear (RbErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

/* An extended error domain (GLib 2.68) lets an error carry the request field
 * at fault, which api.md puts in the body as "field". */
G_DEFINE_EXTENDED_ERROR (RbError, rb_error)

typedef struct
{
  RbErrorCode  code;
  const char  *name;
  guint        http_status;
  int          exit_status;
} CodeInfo;

static const CodeInfo code_info[] = {
  { RB_ERROR_INVALID_REQUEST,               "invalid_request",               400, 2 },
  { RB_ERROR_INVALID_TEMPLATE,              "invalid_template",              400, 2 },
  { RB_ERROR_INVALID_PARAMETER,             "invalid_parameter",             400, 2 },
  { RB_ERROR_UNAUTHORIZED,                  "unauthorized",                  401, 6 },
  { RB_ERROR_DISABLED,                      "disabled",                      403, 7 },
  { RB_ERROR_NOT_FOUND,                     "not_found",                     404, 4 },
  { RB_ERROR_METHOD_NOT_ALLOWED,            "method_not_allowed",            405, 2 },
  { RB_ERROR_ALREADY_EXISTS,                "already_exists",                409, 3 },
  { RB_ERROR_PAYLOAD_TOO_LARGE,             "payload_too_large",             413, 2 },
  { RB_ERROR_UNSUPPORTED_MEDIA_TYPE,        "unsupported_media_type",        415, 2 },
  { RB_ERROR_TELEMETRY_BUNDLE_MISSING,      "telemetry_bundle_missing",      422, 5 },
  { RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "telemetry_bundle_incompatible", 422, 5 },
  { RB_ERROR_NOTHING_TO_CAPTURE,            "nothing_to_capture",            422, 5 },
  { RB_ERROR_SOURCE_NOT_SIMULATION,         "source_not_simulation",         422, 5 },
  { RB_ERROR_RUN_UNREADABLE,                "run_unreadable",                422, 5 },
  { RB_ERROR_INTERNAL,                      "internal",                      500, 1 },
  { RB_ERROR_UNREACHABLE,                   "unreachable",                   0,   6 },
};

static const CodeInfo *
lookup (RbErrorCode code)
{
  if ((guint) code < G_N_ELEMENTS (code_info))
    return &code_info[code];
  return &code_info[RB_ERROR_INTERNAL];
}

const char *
rb_error_code_to_string (RbErrorCode code)
{
  return lookup (code)->name;
}

gboolean
rb_error_code_from_string (const char  *str,
                           RbErrorCode *code)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (code_info); i++)
    {
      if (g_str_equal (code_info[i].name, str))
        {
          *code = code_info[i].code;
          return TRUE;
        }
    }
  return FALSE;
}

guint
rb_error_code_http_status (RbErrorCode code)
{
  return lookup (code)->http_status;
}

int
rb_error_code_exit_status (RbErrorCode code)
{
  return lookup (code)->exit_status;
}

void
rb_set_error_field (GError     **error,
                    RbErrorCode  code,
                    const char  *field,
                    const char  *format,
                    ...)
{
  g_autofree char *message = NULL;
  RbErrorPrivate *priv;
  GError *new_error;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  new_error = g_error_new_literal (RB_ERROR, code, message);
  priv = rb_error_get_private (new_error);
  if (priv != NULL)
    priv->field = g_strdup (field);
  g_propagate_error (error, new_error);
}

const char *
rb_error_get_field (const GError *error)
{
  RbErrorPrivate *priv;

  if (error == NULL || error->domain != RB_ERROR)
    return NULL;
  priv = rb_error_get_private (error);
  return priv != NULL ? priv->field : NULL;
}

RbErrorCode
rb_error_get_code (const GError *error)
{
  if (error != NULL && error->domain == RB_ERROR)
    return (RbErrorCode) error->code;
  return RB_ERROR_INTERNAL;
}

JsonNode *
rb_error_to_json (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  RbErrorCode code = rb_error_get_code (error);
  const char *message;
  const char *field;

  if (error != NULL && error->domain == RB_ERROR && error->message != NULL)
    message = error->message;
  else
    message = "An internal error occurred.";
  field = rb_error_get_field (error);

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "error", message);
  rb_json_add_string (builder, "code", rb_error_code_to_string (code));
  if (field != NULL)
    rb_json_add_string (builder, "field", field);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
