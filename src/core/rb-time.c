/* rb-time.c — ISO-8601 UTC timestamps ("2026-11-26T10:15:30.123456Z")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-time"

#include "config.h"

#include <string.h>

#include "rb-time.h"

char *
rb_time_format (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  if (utc == NULL)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          g_date_time_get_year (utc),
                          g_date_time_get_month (utc),
                          g_date_time_get_day_of_month (utc),
                          g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc),
                          g_date_time_get_second (utc),
                          g_date_time_get_microsecond (utc));
}

char *
rb_time_now_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return rb_time_format (now);
}

static gboolean
is_date_only (const char *text)
{
  /* YYYY-MM-DD */
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

GDateTime *
rb_time_parse (const char *text)
{
  g_autoptr(GTimeZone) utc_zone = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *copy = NULL;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0' || strlen (copy) > 64)
    return NULL;

  /* GLib wants upper-case designators ("t" and "z" are valid ISO-8601). */
  for (char *p = copy; *p != '\0'; p++)
    {
      if (*p == 't')
        *p = 'T';
      else if (*p == 'z')
        *p = 'Z';
    }

  utc_zone = g_time_zone_new_utc ();
  if (is_date_only (copy))
    {
      g_autofree char *midnight = g_strconcat (copy, "T00:00:00Z", NULL);
      parsed = g_date_time_new_from_iso8601 (midnight, utc_zone);
    }
  else
    {
      /* Without a designator the time is taken as UTC. */
      parsed = g_date_time_new_from_iso8601 (copy, utc_zone);
    }

  if (parsed == NULL)
    return NULL;
  return g_date_time_to_utc (parsed);
}
