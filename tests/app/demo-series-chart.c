/* demo-series-chart.c — the series chart with a day of realistic data
 *
 * A replay from telemetry of a checkout service: demand peaks mid-morning
 * while capacity dips for maintenance, so a queue builds and drains; the
 * source run is drawn over it with a little drift. Used for
 * docs/screenshots/chart.png (not installed, not a test):
 *
 *   xvfb-run -a -s "-screen 0 1280x800x24" sh -c \
 *     'build/tests/app/demo-series-chart & sleep 3; import -window root chart.png; wait'
 *
 * Options: --seconds N (quit after N seconds, default 6), --hover BIN.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "rb-series-chart.h"

#define BINS       288
#define BIN_SIZE   5
#define GRID_START 1759276800  /* 2025-10-01T00:00:00Z */

typedef struct
{
  double arrivals[BINS];
  double served[BINS];
  double queue[BINS];
  double errors[BINS];
  double capacity[BINS];
  double demand[BINS];
} Day;

static double
demand_at (guint bin)
{
  double hour = bin * BIN_SIZE / 60.0;

  /* Night floor, a morning peak around 10:00 and a smaller one at 16:00. */
  return 8 + 52 * exp (-pow ((hour - 10.0) / 2.2, 2)) + 30 * exp (-pow ((hour - 16.0) / 1.8, 2));
}

static void
simulate (Day     *day,
          GRand   *rand,
          double   dip_start_hour,
          double   dip_capacity,
          gboolean pinned_arrivals,
          const Day *source)
{
  double queue = 0;

  for (guint i = 0; i < BINS; i++)
    {
      double hour = i * BIN_SIZE / 60.0;
      double available;

      day->demand[i] = round (demand_at (i));
      day->capacity[i] = (hour >= dip_start_hour && hour < dip_start_hour + 1.5) ? dip_capacity : 60;
      day->arrivals[i] = pinned_arrivals ? source->arrivals[i]
                                         : MAX (0, round (day->demand[i] + g_rand_double_range (rand, -5, 5)));
      available = day->arrivals[i] + queue;
      day->served[i] = MIN (available, day->capacity[i]);
      /* A full queue turns some callers away. */
      day->errors[i] = round (MAX (0, available - day->served[i] - 90) * 0.3 +
                              (g_rand_double (rand) < 0.05 ? 1 : 0));
      queue = available - day->served[i] - day->errors[i];
      day->queue[i] = queue;
    }
}

static GtkWidget *
metric_toggle (RbSeriesChart *chart,
               RbMetric       metric,
               const char    *property)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dot = gtk_label_new (NULL);
  g_autofree char *markup = NULL;
  GdkRGBA color;

  rb_series_chart_get_metric_color (metric, adw_style_manager_get_dark (adw_style_manager_get_default ()), &color);
  markup = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span>",
                            (guint) (color.red * 255 + 0.5), (guint) (color.green * 255 + 0.5),
                            (guint) (color.blue * 255 + 0.5));
  gtk_label_set_markup (GTK_LABEL (dot), markup);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), gtk_label_new (rb_series_chart_metric_label (metric)));
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  g_object_bind_property (chart, property, button, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  return button;
}

static gboolean
quit_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    RbMetric    metric;
    const char *property;
  } toggles[] = {
    { RB_METRIC_ARRIVALS, "show-arrivals" },
    { RB_METRIC_SERVED, "show-served" },
    { RB_METRIC_QUEUE_DEPTH, "show-queue-depth" },
    { RB_METRIC_ERRORS, "show-errors" },
    { RB_METRIC_CAPACITY, "show-capacity" },
    { RB_METRIC_EXTERNAL_DEMAND, "show-external-demand" },
  };
  int seconds = 6;
  int hover = 126;  /* 10:30, the queue at its deepest */
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Quit after N seconds (0: never)", "N" },
    { "hover", 0, 0, G_OPTION_ARG_INT, &hover, "Bin to show the read-out of (-1: none)", "BIN" },
    { NULL }
  };
  gboolean done = FALSE;
  Day *source = g_new0 (Day, 1);
  Day *replay = g_new0 (Day, 1);
  GtkWidget *window, *box, *title, *subtitle, *toggle_box, *chart;

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  gtk_init ();
  adw_init ();

  /* The replay keeps the source's arrivals (pinned telemetry) but its
   * maintenance window starts 15 minutes later with a little less capacity. */
  simulate (source, rand, 9.75, 38, FALSE, NULL);
  simulate (replay, rand, 10.0, 36, TRUE, source);

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Series chart");
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 540);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_window_set_child (GTK_WINDOW (window), box);

  title = gtk_label_new ("Checkout service · node “checkout”");
  gtk_widget_add_css_class (title, "title-3");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (box), title);
  subtitle = gtk_label_new ("Replay from telemetry of 3f9a1c2e · dashed: the source run");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_box_append (GTK_BOX (box), subtitle);

  chart = rb_series_chart_new ();
  gtk_widget_set_vexpand (chart, TRUE);

  toggle_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_margin_top (toggle_box, 6);
  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    gtk_box_append (GTK_BOX (toggle_box), metric_toggle (RB_SERIES_CHART (chart), toggles[i].metric,
                                                         toggles[i].property));
  gtk_box_append (GTK_BOX (box), toggle_box);
  gtk_box_append (GTK_BOX (box), chart);

  rb_series_chart_set_grid (RB_SERIES_CHART (chart), BINS, BIN_SIZE, GRID_START);
  rb_series_chart_set_series (RB_SERIES_CHART (chart), RB_METRIC_ARRIVALS, replay->arrivals, BINS);
  rb_series_chart_set_series (RB_SERIES_CHART (chart), RB_METRIC_SERVED, replay->served, BINS);
  rb_series_chart_set_series (RB_SERIES_CHART (chart), RB_METRIC_QUEUE_DEPTH, replay->queue, BINS);
  rb_series_chart_set_series (RB_SERIES_CHART (chart), RB_METRIC_ERRORS, replay->errors, BINS);
  rb_series_chart_set_series (RB_SERIES_CHART (chart), RB_METRIC_CAPACITY, replay->capacity, BINS);
  rb_series_chart_set_series (RB_SERIES_CHART (chart), RB_METRIC_EXTERNAL_DEMAND, replay->demand, BINS);
  rb_series_chart_set_overlay_series (RB_SERIES_CHART (chart), RB_METRIC_SERVED, source->served, BINS);
  rb_series_chart_set_overlay_series (RB_SERIES_CHART (chart), RB_METRIC_QUEUE_DEPTH, source->queue, BINS);
  rb_series_chart_set_overlay_series (RB_SERIES_CHART (chart), RB_METRIC_ERRORS, source->errors, BINS);
  /* External demand repeats arrivals' shape: off by default here, as a
   * detail pane would start. */
  rb_series_chart_set_metric_visible (RB_SERIES_CHART (chart), RB_METRIC_EXTERNAL_DEMAND, FALSE);
  rb_series_chart_set_hover_bin (RB_SERIES_CHART (chart), hover);

  gtk_window_present (GTK_WINDOW (window));
  if (seconds > 0)
    g_timeout_add_seconds (seconds, quit_cb, &done);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (quit_cb), &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_free (source);
  g_free (replay);
  return 0;
}
