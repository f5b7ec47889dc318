/* rb-ident.c — validation of every identifier that comes from outside
 *
 * api.md "Identifiers":
 *   runId, captureKey, templateId: ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$, no ".."
 *   seriesId: ^[A-Za-z0-9_]+@[A-Za-z0-9_]+@[A-Za-z0-9_-]+$ (at most 512 bytes)
 *
 * Messages never echo the value: it may be long, binary or hostile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-ident"

#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-ident.h"

#define NAME_MAX_LEN   128
#define SERIES_MAX_LEN 512

static const char *
kind_name (RbIdentKind kind)
{
  switch (kind)
    {
    case RB_IDENT_RUN_ID:
      return "runId";
    case RB_IDENT_CAPTURE_KEY:
      return "captureKey";
    case RB_IDENT_TEMPLATE_ID:
      return "templateId";
    case RB_IDENT_SERIES_ID:
      return "seriesId";
    default:
      return "id";
    }
}

static gboolean
is_alnum (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Returns NULL when valid, else the rule that was broken. */
static const char *
check_name (const char *value,
            gsize       len)
{
  if (len > NAME_MAX_LEN)
    return "must be at most 128 characters long";
  if (!is_alnum (value[0]))
    return "must start with a letter or a digit";
  for (gsize i = 1; i < len; i++)
    {
      char c = value[i];

      if (!is_alnum (c) && c != '.' && c != '_' && c != '-')
        return "may contain only letters, digits, '.', '_' and '-'";
      if (c == '.' && value[i - 1] == '.')
        return "must not contain \"..\"";
    }
  return NULL;
}

static const char *
check_series (const char *value,
              gsize       len)
{
  static const char *rule =
    "must have the form node@NODE@CLASS (letters, digits and '_'; also '-' in the class)";
  guint part = 0;
  gsize part_len = 0;

  if (len > SERIES_MAX_LEN)
    return "must be at most 512 characters long";
  for (gsize i = 0; i < len; i++)
    {
      char c = value[i];

      if (c == '@')
        {
          if (part_len == 0 || part == 2)
            return rule;
          part++;
          part_len = 0;
          continue;
        }
      if (!is_alnum (c) && c != '_' && !(c == '-' && part == 2))
        return rule;
      part_len++;
    }
  if (part != 2 || part_len == 0)
    return rule;
  return NULL;
}

gboolean
rb_ident_validate (RbIdentKind   kind,
                   const char   *value,
                   gssize        len,
                   const char   *field,
                   GError      **error)
{
  const char *name = field != NULL ? field : kind_name (kind);
  const char *problem;
  gsize n;

  if (value == NULL || len == 0 || (len < 0 && *value == '\0'))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, name,
                          "%s must not be empty", name);
      return FALSE;
    }

  n = len < 0 ? strlen (value) : (gsize) len;
  if (memchr (value, '\0', n) != NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, name,
                          "%s must not contain a NUL byte", name);
      return FALSE;
    }

  if (kind == RB_IDENT_SERIES_ID)
    problem = check_series (value, n);
  else
    problem = check_name (value, n);

  if (problem != NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, name,
                          "%s %s", name, problem);
      return FALSE;
    }
  return TRUE;
}

gboolean
rb_ident_is_valid (RbIdentKind  kind,
                   const char  *value)
{
  return rb_ident_validate (kind, value, -1, NULL, NULL);
}
