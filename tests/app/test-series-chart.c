/* test-series-chart.c — the series chart: read-out texts, axis, hover, drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "rb-series-chart.h"

/* 2025-10-01T00:00:00Z */
#define GRID_START 1759276800

typedef struct
{
  GtkWindow     *window;
  RbSeriesChart *chart;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 640, 360);
  f->chart = RB_SERIES_CHART (rb_series_chart_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->chart));
  gtk_window_present (f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (f->window);
}

static void
fill (double *values,
      guint   n,
      double  value)
{
  for (guint i = 0; i < n; i++)
    values[i] = value;
}

/* 96 bins × 5 min from midnight; bin 12 (01:00) has 40 in, 38 out, 2 queued. */
static void
set_day (RbSeriesChart *chart)
{
  double arrivals[96], served[96], queue[96];

  fill (arrivals, 96, 10);
  fill (served, 96, 10);
  fill (queue, 96, 0);
  arrivals[12] = 40;
  served[12] = 38;
  queue[12] = 2;

  rb_series_chart_set_grid (chart, 96, 5, GRID_START);
  rb_series_chart_set_series (chart, RB_METRIC_ARRIVALS, arrivals, 96);
  rb_series_chart_set_series (chart, RB_METRIC_SERVED, served, 96);
  rb_series_chart_set_series (chart, RB_METRIC_QUEUE_DEPTH, queue, 96);
}

static void
assert_describe (RbSeriesChart *chart,
                 int            bin,
                 const char    *expected)
{
  g_autofree char *text = rb_series_chart_describe_bin (chart, bin);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_nice_max (void)
{
  static const struct
  {
    double max;
    double nice;
    guint  steps;
  } cases[] = {
    { 0, 1, 5 }, { -5, 1, 5 }, { 0.3, 0.3, 3 }, { 0.07, 0.08, 4 }, { 1, 1, 5 },
    { 1.2, 1.5, 3 }, { 2.2, 2.5, 5 }, { 7, 8, 4 }, { 8.5, 10, 5 }, { 38, 40, 4 },
    { 41, 50, 5 }, { 55, 60, 3 }, { 100, 100, 5 }, { 101, 150, 3 }, { 9000, 10000, 5 },
    { 123456, 150000, 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint steps = 0;
      double nice = rb_series_chart_nice_max (cases[i].max, &steps);

      g_test_message ("max %g", cases[i].max);
      g_assert_cmpfloat (nice, ==, cases[i].nice);
      g_assert_cmpuint (steps, ==, cases[i].steps);
    }

  g_assert_cmpfloat (rb_series_chart_nice_max (NAN, NULL), ==, 1);
  g_assert_cmpfloat (rb_series_chart_nice_max (INFINITY, NULL), ==, 1);
}

static void
test_format_short (void)
{
  static const struct
  {
    double      value;
    const char *text;
  } cases[] = {
    { 0, "0" }, { 0.2, "0.2" }, { 0.6000000000000001, "0.6" }, { 0.25, "0.25" }, { 8, "8" },
    { 250, "250" }, { 1000, "1k" }, { 1500, "1.5k" }, { 12000, "12k" }, { 150000, "150k" },
    { 2500000, "2.5M" }, { 3e9, "3G" }, { -40, "-40" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = rb_series_chart_format_short (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_describe (void)
{
  RbSeriesChart *chart = RB_SERIES_CHART (g_object_ref_sink (rb_series_chart_new ()));
  double arrivals[300];

  g_assert_null (rb_series_chart_describe_bin (chart, 0));

  set_day (chart);
  g_assert_cmpuint (rb_series_chart_get_n_bins (chart), ==, 96);
  assert_describe (chart, 12, "Bin 12 · 01:00 · Arrivals 40 · Served 38 · Queue depth 2");
  assert_describe (chart, 0, "Bin 0 · 00:00 · Arrivals 10 · Served 10 · Queue depth 0");
  assert_describe (chart, 95, "Bin 95 · 07:55 · Arrivals 10 · Served 10 · Queue depth 0");
  g_assert_null (rb_series_chart_describe_bin (chart, 96));
  g_assert_null (rb_series_chart_describe_bin (chart, -1));

  /* Unknown start: the time since the start. No bin size: no time. */
  rb_series_chart_set_grid (chart, 96, 5, 0);
  assert_describe (chart, 12, "Bin 12 · +01:00 · Arrivals 40 · Served 38 · Queue depth 2");
  rb_series_chart_set_grid (chart, 96, 0, 0);
  assert_describe (chart, 12, "Bin 12 · Arrivals 40 · Served 38 · Queue depth 2");

  /* A grid over several days says which day; the start need not be midnight. */
  fill (arrivals, 300, 1);
  rb_series_chart_set_series (chart, RB_METRIC_ARRIVALS, arrivals, 300);
  rb_series_chart_set_grid (chart, 300, 15, GRID_START + 30 * 60);
  assert_describe (chart, 0, "Bin 0 · Day 1 00:30 · Arrivals 1 · Served 10 · Queue depth 0");
  assert_describe (chart, 98, "Bin 98 · Day 2 01:00 · Arrivals 1 · Served — · Queue depth —");
  rb_series_chart_set_grid (chart, 300, 15, 0);
  assert_describe (chart, 100, "Bin 100 · +1d 01:00 · Arrivals 1 · Served — · Queue depth —");

  /* No grid: the longest series sets the bins. */
  rb_series_chart_set_grid (chart, 0, 0, 0);
  g_assert_cmpuint (rb_series_chart_get_n_bins (chart), ==, 300);

  g_assert_finalize_object (chart);
}

static void
test_gaps_and_decimals (void)
{
  RbSeriesChart *chart = RB_SERIES_CHART (g_object_ref_sink (rb_series_chart_new ()));
  double served[4] = { 38.333333333333336, NAN, -0.001, 1e6 };
  double errors[2] = { INFINITY, 0.5 };

  rb_series_chart_set_grid (chart, 6, 60, GRID_START);
  rb_series_chart_set_series (chart, RB_METRIC_SERVED, served, 4);
  rb_series_chart_set_series (chart, RB_METRIC_ERRORS, errors, 2);

  assert_describe (chart, 0, "Bin 0 · 00:00 · Served 38.33 · Errors —");
  assert_describe (chart, 1, "Bin 1 · 01:00 · Served — · Errors 0.5");
  assert_describe (chart, 2, "Bin 2 · 02:00 · Served 0 · Errors —");
  assert_describe (chart, 3, "Bin 3 · 03:00 · Served 1000000 · Errors —");
  /* Past the series' end, inside the grid: gaps. */
  assert_describe (chart, 5, "Bin 5 · 05:00 · Served — · Errors —");

  /* Removing a series drops it from the read-out. */
  rb_series_chart_set_series (chart, RB_METRIC_ERRORS, NULL, 0);
  g_assert_false (rb_series_chart_has_metric (chart, RB_METRIC_ERRORS));
  assert_describe (chart, 1, "Bin 1 · 01:00 · Served —");

  g_assert_finalize_object (chart);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_visibility (void)
{
  RbSeriesChart *chart = RB_SERIES_CHART (g_object_ref_sink (rb_series_chart_new ()));
  guint notified = 0;
  gboolean shown = TRUE;

  set_day (chart);
  g_signal_connect (chart, "notify::show-served", G_CALLBACK (count_notify_cb), &notified);

  g_object_set (chart, "show-served", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (rb_series_chart_get_metric_visible (chart, RB_METRIC_SERVED));
  assert_describe (chart, 12, "Bin 12 · 01:00 · Arrivals 40 · Queue depth 2");

  /* Same value again: no notification. */
  rb_series_chart_set_metric_visible (chart, RB_METRIC_SERVED, FALSE);
  g_assert_cmpuint (notified, ==, 1);

  rb_series_chart_set_metric_visible (chart, RB_METRIC_ARRIVALS, FALSE);
  rb_series_chart_set_metric_visible (chart, RB_METRIC_QUEUE_DEPTH, FALSE);
  assert_describe (chart, 12, "Bin 12 · 01:00");

  rb_series_chart_set_metric_visible (chart, RB_METRIC_SERVED, 42);
  g_object_get (chart, "show-served", &shown, NULL);
  g_assert_true (shown);
  g_assert_cmpuint (notified, ==, 2);
  assert_describe (chart, 12, "Bin 12 · 01:00 · Served 38");

  /* A hidden metric without data stays out; showing it adds nothing. */
  rb_series_chart_set_metric_visible (chart, RB_METRIC_CAPACITY, TRUE);
  assert_describe (chart, 12, "Bin 12 · 01:00 · Served 38");

  /* A GPropertyAction drives the toggle the detail pane will show. */
  {
    g_autoptr(GPropertyAction) action = g_property_action_new ("show-arrivals", chart, "show-arrivals");

    g_action_activate (G_ACTION (action), NULL);
    assert_describe (chart, 12, "Bin 12 · 01:00 · Arrivals 40 · Served 38");
  }

  g_assert_finalize_object (chart);
}

static void
test_overlay (void)
{
  RbSeriesChart *chart = RB_SERIES_CHART (g_object_ref_sink (rb_series_chart_new ()));
  double source_served[96];
  double source_errors[13];

  set_day (chart);
  fill (source_served, 96, 10);
  source_served[12] = 40;
  fill (source_errors, 13, 0);
  source_errors[12] = 1;

  rb_series_chart_set_overlay_series (chart, RB_METRIC_SERVED, source_served, 96);
  rb_series_chart_set_overlay_series (chart, RB_METRIC_ERRORS, source_errors, 13);
  g_assert_true (rb_series_chart_has_metric (chart, RB_METRIC_ERRORS));

  assert_describe (chart, 12, "Bin 12 · 01:00 · Arrivals 40 · Served 38 (source 40) · "
                              "Queue depth 2 · Errors — (source 1)");
  assert_describe (chart, 13, "Bin 13 · 01:05 · Arrivals 10 · Served 10 (source 10) · "
                              "Queue depth 0 · Errors — (source —)");

  /* The toggle hides the overlay with its series. */
  rb_series_chart_set_metric_visible (chart, RB_METRIC_ERRORS, FALSE);
  assert_describe (chart, 12, "Bin 12 · 01:00 · Arrivals 40 · Served 38 (source 40) · Queue depth 2");

  rb_series_chart_set_overlay_series (chart, RB_METRIC_SERVED, NULL, 0);
  assert_describe (chart, 12, "Bin 12 · 01:00 · Arrivals 40 · Served 38 · Queue depth 2");

  g_assert_finalize_object (chart);
}

static void
test_clear (void)
{
  RbSeriesChart *chart = RB_SERIES_CHART (g_object_ref_sink (rb_series_chart_new ()));
  guint notified = 0;

  set_day (chart);
  rb_series_chart_set_hover_bin (chart, 12);
  g_signal_connect (chart, "notify::hover-bin", G_CALLBACK (count_notify_cb), &notified);

  rb_series_chart_clear (chart);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (rb_series_chart_get_hover_bin (chart), ==, -1);
  g_assert_cmpuint (rb_series_chart_get_n_bins (chart), ==, 0);
  g_assert_false (rb_series_chart_has_metric (chart, RB_METRIC_ARRIVALS));
  g_assert_null (rb_series_chart_describe_bin (chart, 0));

  g_assert_finalize_object (chart);
}

static void
test_hover (Fixture       *f,
            gconstpointer  data)
{
  graphene_rect_t area;
  guint notified = 0;
  double bin_w;
  int hover = 0;

  set_day (f->chart);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_signal_connect (f->chart, "notify::hover-bin", G_CALLBACK (count_notify_cb), &notified);

  rb_series_chart_get_plot_area (f->chart, &area);
  g_assert_cmpfloat (area.origin.x, >, 0);
  g_assert_cmpfloat (area.size.width, >, 400);
  g_assert_cmpfloat (area.size.height, >, 200);
  g_assert_cmpfloat (area.origin.x + area.size.width, <=, gtk_widget_get_width (GTK_WIDGET (f->chart)));
  bin_w = area.size.width / 96;

  /* Left of the plot (over the y labels) and right of it: no bin. */
  g_assert_cmpint (rb_series_chart_bin_at_x (f->chart, area.origin.x - 1), ==, -1);
  g_assert_cmpint (rb_series_chart_bin_at_x (f->chart, area.origin.x + area.size.width + 1), ==, -1);
  g_assert_cmpint (rb_series_chart_bin_at_x (f->chart, area.origin.x), ==, 0);
  g_assert_cmpint (rb_series_chart_bin_at_x (f->chart, area.origin.x + 12.5 * bin_w), ==, 12);
  g_assert_cmpint (rb_series_chart_bin_at_x (f->chart, area.origin.x + area.size.width), ==, 95);

  rb_series_chart_set_hover_bin (f->chart, rb_series_chart_bin_at_x (f->chart, area.origin.x + 12.5 * bin_w));
  g_object_get (f->chart, "hover-bin", &hover, NULL);
  g_assert_cmpint (hover, ==, 12);
  g_assert_cmpuint (notified, ==, 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  /* Out of range is "none"; unchanged values do not notify. */
  rb_series_chart_set_hover_bin (f->chart, 12);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (f->chart, "hover-bin", 500, NULL);
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, -1);
  g_assert_cmpuint (notified, ==, 2);

  /* A shorter grid drops a hover past its end. */
  rb_series_chart_set_hover_bin (f->chart, 90);
  rb_series_chart_set_grid (f->chart, 48, 5, GRID_START);
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, -1);
  g_assert_cmpint (rb_series_chart_bin_at_x (f->chart, area.origin.x + area.size.width), ==, 47);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;  /* the widget keeps it alive */
    }

  g_assert_not_reached ();
}

static gboolean
press_key (GtkEventController *keys,
           guint               keyval)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

/* The widget's own controllers, driven as GTK would on pointer and keys. */
static void
test_pointer_and_keys (Fixture       *f,
                       gconstpointer  data)
{
  GtkEventController *motion = find_controller (GTK_WIDGET (f->chart), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  GtkEventController *keys = find_controller (GTK_WIDGET (f->chart), GTK_TYPE_EVENT_CONTROLLER_KEY);
  graphene_rect_t area;
  double bin_w;

  set_day (f->chart);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  rb_series_chart_get_plot_area (f->chart, &area);
  bin_w = area.size.width / 96;

  g_signal_emit_by_name (motion, "enter", area.origin.x + 12.5 * bin_w, area.origin.y + 10);
  g_signal_emit_by_name (motion, "motion", area.origin.x + 12.5 * bin_w, area.origin.y + 10);
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 12);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  /* Over the y-axis labels: no bin. */
  g_signal_emit_by_name (motion, "motion", area.origin.x / 2, area.origin.y + 10);
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, -1);
  g_signal_emit_by_name (motion, "motion", area.origin.x + 40.5 * bin_w, area.origin.y + 10);
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 40);
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, -1);

  /* Keys: Right starts at the first bin, Left at the last; Home, End, Escape. */
  g_assert_true (press_key (keys, GDK_KEY_Right));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 0);
  g_assert_true (press_key (keys, GDK_KEY_Left));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 0);
  g_assert_true (press_key (keys, GDK_KEY_End));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 95);
  g_assert_true (press_key (keys, GDK_KEY_Right));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 95);
  g_assert_true (press_key (keys, GDK_KEY_Escape));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, -1);
  g_assert_false (press_key (keys, GDK_KEY_Escape));
  g_assert_true (press_key (keys, GDK_KEY_Left));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 95);
  g_assert_true (press_key (keys, GDK_KEY_Home));
  g_assert_cmpint (rb_series_chart_get_hover_bin (f->chart), ==, 0);
  g_assert_false (press_key (keys, GDK_KEY_a));
}

/* Renders the chart as it would draw now, into a surface we can read. */
static cairo_surface_t *
render_chart (RbSeriesChart *chart)
{
  GtkWidget *widget = GTK_WIDGET (chart);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gtk_widget_get_width (widget),
                                        gtk_widget_get_height (widget));
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

/* Whether a pixel of the column at @x within ±3 px of @y has exactly @color. */
static gboolean
column_has_color (cairo_surface_t *surface,
                  double           x,
                  double           y,
                  const GdkRGBA   *color)
{
  guint32 want = 0xff000000u |
                 ((guint32) lround (color->red * 255) << 16) |
                 ((guint32) lround (color->green * 255) << 8) |
                 (guint32) lround (color->blue * 255);
  guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int height = cairo_image_surface_get_height (surface);

  for (int row = (int) y - 3; row <= (int) y + 3; row++)
    {
      if (row < 0 || row >= height)
        continue;
      if (((guint32 *) (data + row * stride))[(int) x] == want)
        return TRUE;
    }

  return FALSE;
}

static void
test_draws_lines (Fixture       *f,
                  gconstpointer  data)
{
  double arrivals[10];
  graphene_rect_t area;
  cairo_surface_t *surface;
  GdkRGBA blue;

  /* A flat 2 sits on the top gridline: the axis goes from 0 to 2. */
  fill (arrivals, 10, 2);
  rb_series_chart_set_series (f->chart, RB_METRIC_ARRIVALS, arrivals, 10);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  rb_series_chart_get_plot_area (f->chart, &area);
  rb_series_chart_get_metric_color (RB_METRIC_ARRIVALS, FALSE, &blue);

  surface = render_chart (f->chart);
  g_assert_true (column_has_color (surface, area.origin.x + area.size.width / 2, area.origin.y, &blue));
  /* Nothing at half height. */
  g_assert_false (column_has_color (surface, area.origin.x + area.size.width / 2,
                                    area.origin.y + area.size.height / 2, &blue));
  cairo_surface_destroy (surface);

  /* Hidden: gone. */
  rb_series_chart_set_metric_visible (f->chart, RB_METRIC_ARRIVALS, FALSE);
  surface = render_chart (f->chart);
  g_assert_false (column_has_color (surface, area.origin.x + area.size.width / 2, area.origin.y, &blue));
  cairo_surface_destroy (surface);
}

static guint32
pixel_at (cairo_surface_t *surface,
          double           x,
          double           y)
{
  guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((guint32 *) (data + (int) y * stride))[(int) x];
}

/* A replay that equals its source exactly (the common case): the source's
 * dashed line is still visible, as an edging around the replay's line
 * (it is drawn wider, under it), and the replay's line stays on top in
 * its own colour. */
static void
test_overlay_visible_when_equal (Fixture       *f,
                                 gconstpointer  data)
{
  double arrivals[10];
  graphene_rect_t area;
  cairo_surface_t *plain;
  cairo_surface_t *overlaid;
  GdkRGBA blue;
  guint n_edged = 0;

  fill (arrivals, 10, 2);
  rb_series_chart_set_series (f->chart, RB_METRIC_ARRIVALS, arrivals, 10);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  rb_series_chart_get_plot_area (f->chart, &area);
  rb_series_chart_get_metric_color (RB_METRIC_ARRIVALS, FALSE, &blue);
  plain = render_chart (f->chart);

  rb_series_chart_set_overlay_series (f->chart, RB_METRIC_ARRIVALS, arrivals, 10);
  overlaid = render_chart (f->chart);

  /* The line itself: the replay's colour, on top. */
  g_assert_true (column_has_color (overlaid, area.origin.x + area.size.width / 2, area.origin.y, &blue));

  /* Just below it (2 px: outside the 2 px line, inside the edging),
   * along a stretch of the line: tinted in some columns (the dashes),
   * as they are not without the overlay. */
  for (double x = area.origin.x + area.size.width / 4; x < area.origin.x + area.size.width * 3 / 4; x++)
    if (pixel_at (overlaid, x, area.origin.y + 2) != pixel_at (plain, x, area.origin.y + 2))
      n_edged++;
  g_assert_cmpuint (n_edged, >, area.size.width / 8);
  /* …and not in all of them: dashes, with gaps. */
  g_assert_cmpuint (n_edged, <, area.size.width / 2);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (overlaid);
}

/* Far more bins than pixels: still the line where the data is, and a gap
 * where a whole column of bins is NaN. */
static void
test_draws_dense (Fixture       *f,
                  gconstpointer  data)
{
  guint n = 20000;
  g_autofree double *served = g_new (double, n);
  graphene_rect_t area;
  cairo_surface_t *surface;
  GdkRGBA green;
  double middle;

  fill (served, n, 4);
  rb_series_chart_set_series (f->chart, RB_METRIC_SERVED, served, n);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  rb_series_chart_get_plot_area (f->chart, &area);
  g_assert_cmpfloat (area.size.width * 2, <, n);
  rb_series_chart_get_metric_color (RB_METRIC_SERVED, FALSE, &green);
  middle = area.origin.x + area.size.width / 2;

  /* Bins in the middle 10 % (over 40 pixel columns) are gaps. */
  for (guint i = n * 45 / 100; i < n * 55 / 100; i++)
    served[i] = NAN;
  rb_series_chart_set_series (f->chart, RB_METRIC_SERVED, served, n);

  surface = render_chart (f->chart);
  g_assert_true (column_has_color (surface, area.origin.x + area.size.width / 4, area.origin.y, &green));
  g_assert_false (column_has_color (surface, middle, area.origin.y, &green));
  cairo_surface_destroy (surface);
}

static void
test_many_bins (Fixture       *f,
                gconstpointer  data)
{
  guint n = 10000;
  g_autofree double *values = g_new (double, n);
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *last = NULL;
  cairo_surface_t *surface;

  rb_series_chart_set_grid (f->chart, n, 1, GRID_START);
  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      for (guint i = 0; i < n; i++)
        values[i] = (i % 977 == 0) ? NAN : 50 + 40 * sin (i / 300.0 + m) + (i * 7919 % 13);
      rb_series_chart_set_series (f->chart, m, values, n);
      for (guint i = 0; i < n; i++)
        values[i] += 3;
      rb_series_chart_set_overlay_series (f->chart, m, values, n);
    }
  rb_series_chart_set_hover_bin (f->chart, 5000);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  timer = g_timer_new ();
  {
    GtkSnapshot *snapshot = gtk_snapshot_new ();
    GTK_WIDGET_GET_CLASS (f->chart)->snapshot (GTK_WIDGET (f->chart), snapshot);
    gsk_render_node_unref (gtk_snapshot_free_to_node (snapshot));
    g_test_message ("snapshot only %.1f ms", g_timer_elapsed (timer, NULL) * 1000);
  }
  g_timer_start (timer);
  surface = render_chart (f->chart);
  g_test_message ("10 000 bins × 6 series + overlays: snapshot and render %.1f ms",
                  g_timer_elapsed (timer, NULL) * 1000);
  cairo_surface_destroy (surface);

  last = rb_series_chart_describe_bin (f->chart, 9999);
  g_assert_true (g_str_has_prefix (last, "Bin 9999 · Day 7 22:39 · Arrivals "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  g_test_add_func ("/app/series-chart/nice-max", test_nice_max);
  g_test_add_func ("/app/series-chart/format-short", test_format_short);
  g_test_add_func ("/app/series-chart/describe", test_describe);
  g_test_add_func ("/app/series-chart/gaps-and-decimals", test_gaps_and_decimals);
  g_test_add_func ("/app/series-chart/visibility", test_visibility);
  g_test_add_func ("/app/series-chart/overlay", test_overlay);
  g_test_add_func ("/app/series-chart/clear", test_clear);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/app/series-chart/overlay-visible-when-equal", test_overlay_visible_when_equal);
  ADD ("/app/series-chart/hover", test_hover);
  ADD ("/app/series-chart/pointer-and-keys", test_pointer_and_keys);
  ADD ("/app/series-chart/draws-lines", test_draws_lines);
  ADD ("/app/series-chart/draws-dense", test_draws_dense);
  ADD ("/app/series-chart/many-bins", test_many_bins);
#undef ADD

  return g_test_run ();
}
