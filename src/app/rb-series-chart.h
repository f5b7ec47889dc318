/* rb-series-chart.h — a run's series per topology node, drawn as lines
 *
 * One value per bin for each RbMetric, on a shared y axis from 0 to a
 * rounded maximum. A replay can carry its source run's series as an
 * overlay, drawn dashed and thinner in the same colour over the run's own
 * lines, so drift shows at a glance. Hovering (or Left/Right with the
 * keyboard focus) picks a bin; the chart shows its read-out next to the
 * pointer ("Bin 12 · 01:00 · Arrivals 40 · Served 38 (source 40)").
 * Times are UTC, like the grid start in the run's files. Read-out values
 * keep at most two decimals, written with rb_number_format().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "rb-run.h"

G_BEGIN_DECLS

#define RB_TYPE_SERIES_CHART (rb_series_chart_get_type ())

G_DECLARE_FINAL_TYPE (RbSeriesChart, rb_series_chart, RB, SERIES_CHART, GtkWidget)

GtkWidget  *rb_series_chart_new                 (void);

/* The x axis: @bins bins of @bin_size_minutes each (0 = unknown: no times
 * in the read-out), starting at @start_unix (UTC seconds; 0 = unknown: the
 * axis counts bins and the read-out shows the time since the start).
 * With @bins 0 the axis spans the longest series. */
void        rb_series_chart_set_grid            (RbSeriesChart *self,
                                                 guint          bins,
                                                 guint          bin_size_minutes,
                                                 gint64         start_unix);
/* The bins on the x axis (also the read-only "n-bins" property). */
guint       rb_series_chart_get_n_bins          (RbSeriesChart *self);

/* Copies @values[0..n). NaN is a gap; bins past @n are gaps too.
 * @values NULL (or @n 0) removes the series. */
void        rb_series_chart_set_series          (RbSeriesChart *self,
                                                 RbMetric       metric,
                                                 const double  *values,
                                                 guint          n);
/* The source run's series of a replay, drawn over the run's own. */
void        rb_series_chart_set_overlay_series  (RbSeriesChart *self,
                                                 RbMetric       metric,
                                                 const double  *values,
                                                 guint          n);
/* Drops every series, every overlay, the grid and the hover. */
void        rb_series_chart_clear               (RbSeriesChart *self);

/* Also the boolean properties "show-arrivals", "show-served",
 * "show-errors", "show-external-demand", "show-queue-depth" and
 * "show-capacity" (default TRUE), so GPropertyAction can drive toggles. */
void        rb_series_chart_set_metric_visible  (RbSeriesChart *self,
                                                 RbMetric       metric,
                                                 gboolean       visible);
gboolean    rb_series_chart_get_metric_visible  (RbSeriesChart *self,
                                                 RbMetric       metric);
/* Whether a series or an overlay is set for @metric. */
gboolean    rb_series_chart_has_metric          (RbSeriesChart *self,
                                                 RbMetric       metric);

/* "hover-bin": the bin under the pointer (or picked with Left/Right),
 * -1 for none. Settable, e.g. to show a read-out from code. */
int         rb_series_chart_get_hover_bin       (RbSeriesChart *self);
void        rb_series_chart_set_hover_bin       (RbSeriesChart *self,
                                                 int            bin);

/* The read-out of @bin over the visible metrics that have data, in
 * chart order (arrivals, served, queue depth, errors, capacity, external
 * demand): "Bin 12 · 01:00 · Arrivals 40 · Served 38 (source 40) ·
 * Queue depth —" ("—" for a gap). NULL when @bin is outside the grid. */
char       *rb_series_chart_describe_bin        (RbSeriesChart *self,
                                                 int            bin);

/* The bin under widget x coordinate @x, -1 outside the plot area. */
int         rb_series_chart_bin_at_x            (RbSeriesChart *self,
                                                 double         x);
/* Where the lines are drawn, in widget coordinates, for the current size
 * and data (the axis labels take the rest). */
void        rb_series_chart_get_plot_area       (RbSeriesChart   *self,
                                                 graphene_rect_t *area);

/* The y axis top for data up to @max: the smallest of 1, 1.5, 2, 2.5, 3,
 * 4, 5, 6, 8 (× a power of ten) that is >= @max; 1 for @max <= 0 or not
 * finite. @n_steps (nullable) receives its gridline count, 3 to 5. */
double      rb_series_chart_nice_max            (double         max,
                                                 guint         *n_steps);
/* A short axis number: "0", "0.5", "250", "1.5k", "12k", "2.5M". */
char       *rb_series_chart_format_short        (double         value);

/* The metric's colour, readable on a light (@dark FALSE) or dark
 * background: arrivals blue, served green, queue depth orange, errors
 * red, capacity purple, external demand teal. For legends and toggles. */
void        rb_series_chart_get_metric_color    (RbMetric       metric,
                                                 gboolean       dark,
                                                 GdkRGBA       *color);
/* "Arrivals", "Served", "Errors", "External demand", "Queue depth",
 * "Capacity" (translated). */
const char *rb_series_chart_metric_label        (RbMetric       metric);

G_END_DECLS
