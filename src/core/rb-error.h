/* rb-error.h — the one error domain of core, carrying the HTTP-equivalent code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RB_ERROR (rb_error_quark ())

/**
 * RbErrorCode:
 *
 * Every failure a front end can report. Each code has one machine string
 * (api.md "Errors"), one HTTP status and one CLI exit status, all defined in
 * rb-error.c so no front end maps them on its own.
 */
typedef enum
{
  RB_ERROR_INVALID_REQUEST,
  RB_ERROR_INVALID_TEMPLATE,
  RB_ERROR_INVALID_PARAMETER,
  RB_ERROR_UNAUTHORIZED,
  RB_ERROR_DISABLED,
  RB_ERROR_NOT_FOUND,
  RB_ERROR_METHOD_NOT_ALLOWED,
  RB_ERROR_ALREADY_EXISTS,
  RB_ERROR_PAYLOAD_TOO_LARGE,
  RB_ERROR_UNSUPPORTED_MEDIA_TYPE,
  RB_ERROR_TELEMETRY_BUNDLE_MISSING,
  RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE,
  RB_ERROR_NOTHING_TO_CAPTURE,
  RB_ERROR_SOURCE_NOT_SIMULATION,
  RB_ERROR_RUN_UNREADABLE,
  RB_ERROR_INTERNAL,
  RB_ERROR_UNREACHABLE,
} RbErrorCode;

GQuark      rb_error_quark            (void);

const char *rb_error_code_to_string   (RbErrorCode  code);
gboolean    rb_error_code_from_string (const char  *str,
                                       RbErrorCode *code);
guint       rb_error_code_http_status (RbErrorCode  code);
int         rb_error_code_exit_status (RbErrorCode  code);

void        rb_set_error_field        (GError     **error,
                                       RbErrorCode  code,
                                       const char  *field,
                                       const char  *format,
                                       ...) G_GNUC_PRINTF (4, 5);
const char *rb_error_get_field        (const GError *error);
RbErrorCode rb_error_get_code         (const GError *error);

/* The api.md error body {"error": "…", "code": "…"[, "field": "…"]} for
 * @error. Errors of other domains become "internal" with a generic
 * sentence (their messages may carry absolute paths). */
JsonNode   *rb_error_to_json          (const GError *error);

G_END_DECLS
