/* rb-format.c — how the app words run facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-format.h"
#include "rb-json.h"

static char *
format_absolute (GDateTime *local)
{
  /* Translators: absolute date and time of a run, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

char *
rb_format_created (gint64     created_unix,
                   GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) real_now = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autofree char *clock = NULL;
  GTimeSpan age;

  if (created_unix <= 0)
    return g_strdup (_("Unknown"));

  if (now == NULL)
    now = real_now = g_date_time_new_now_local ();

  local = g_date_time_new_from_unix_local (created_unix);
  if (local == NULL)
    return g_strdup (_("Unknown"));

  age = g_date_time_difference (now, local);

  if (age >= 0 && age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Just now"));

  if (age >= 0 && age < G_TIME_SPAN_HOUR)
    {
      int minutes = (int) (age / G_TIME_SPAN_MINUTE);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%d minute ago", "%d minutes ago",
                                           minutes),
                              minutes);
    }

  today = g_date_time_new_local (g_date_time_get_year (now),
                                 g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now),
                                 0, 0, 0);
  yesterday = g_date_time_add_days (today, -1);
  /* Translators: time of day, see g_date_time_format() */
  clock = g_date_time_format (local, _("%H:%M"));

  if (age >= 0 && g_date_time_compare (local, today) >= 0)
    /* Translators: %s is a time of day */
    return g_strdup_printf (_("Today %s"), clock);

  if (age >= 0 && g_date_time_compare (local, yesterday) >= 0)
    /* Translators: %s is a time of day */
    return g_strdup_printf (_("Yesterday %s"), clock);

  return format_absolute (local);
}

char *
rb_format_timestamp (const char *iso_utc)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso_utc == NULL)
    return NULL;

  utc = g_date_time_new_from_iso8601 (iso_utc, NULL);
  if (utc == NULL)
    return NULL;

  local = g_date_time_to_local (utc);
  return format_absolute (local);
}

char *
rb_format_short_run_id (const char *run_id)
{
  const char *tail;

  if (run_id == NULL)
    return g_strdup ("");

  /* Canonical ids end in a hash after the timestamp: that part tells runs apart. */
  tail = strrchr (run_id, '_');
  if (g_str_has_prefix (run_id, "run_") && tail != NULL && tail > run_id + 3 && strlen (tail + 1) >= 6)
    return g_strdup (tail + 1);

  if (g_utf8_strlen (run_id, -1) <= 20)
    return g_strdup (run_id);

  return g_strdup_printf ("%.*s…", (int) (g_utf8_offset_to_pointer (run_id, 19) - run_id), run_id);
}

const char *
rb_format_mode (const char *mode)
{
  if (mode == NULL)
    return _("Unknown");
  if (g_str_equal (mode, "simulation"))
    return _("Simulation");
  if (g_str_equal (mode, "telemetry"))
    return _("Telemetry");

  return mode;
}

static const char *
short_unit (const char *unit,
            guint       n)
{
  if (unit == NULL)
    return "";
  if (g_str_has_prefix (unit, "min"))
    /* Translators: abbreviation of minutes in "288 bins × 5 min" */
    return C_("bin unit", "min");
  if (g_str_has_prefix (unit, "hour") || g_str_equal (unit, "h"))
    return C_("bin unit", "h");
  if (g_str_has_prefix (unit, "sec") || g_str_equal (unit, "s"))
    return C_("bin unit", "s");
  if (g_str_has_prefix (unit, "day") || g_str_equal (unit, "d"))
    return C_("bin unit", "d");

  return unit;
}

char *
rb_format_grid (guint       bins,
                guint       bin_size,
                const char *bin_unit)
{
  g_autofree char *bins_text = NULL;

  /* Translators: first half of "288 bins × 5 min" */
  bins_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bin", "%u bins", bins), bins);

  /* Translators: grid of a run: "288 bins × 5 min" */
  return g_strdup_printf (_("%s × %u %s"), bins_text, bin_size, short_unit (bin_unit, bin_size));
}

char *
rb_format_json_value (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  return rb_json_to_compact (node);
}
