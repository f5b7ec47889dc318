/* rb-ident.h — validation of every identifier that comes from outside
 *
 * api.md "Identifiers": nothing reaches a path unless it passed here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  RB_IDENT_RUN_ID,
  RB_IDENT_CAPTURE_KEY,
  RB_IDENT_TEMPLATE_ID,
  RB_IDENT_SERIES_ID,
} RbIdentKind;

/* TRUE when @value is a valid identifier of @kind. @len is the byte length
 * (ids from HTTP may contain NUL); pass -1 for a NUL-terminated string.
 * On failure sets RB_ERROR_INVALID_REQUEST with @field and a sentence that
 * names the field and the rule, never echoing more than a short prefix. */
gboolean rb_ident_validate (RbIdentKind   kind,
                            const char   *value,
                            gssize        len,
                            const char   *field,
                            GError      **error);
gboolean rb_ident_is_valid (RbIdentKind   kind,
                            const char   *value);

G_END_DECLS
