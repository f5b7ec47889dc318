/* rb-series-chart.c — a run's series per topology node, drawn as lines
 *
 * Everything is drawn with cairo through gtk_snapshot_append_cairo(). Long
 * series are decimated to at most two points (the min and max, in the
 * order they occur) per pixel column, so 10 000 bins × 6 series × 2 cost
 * a few thousand line segments however wide the data is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-series-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "rb-number.h"
#include "rb-series-chart.h"

#define PAD_TOP       8.0
#define PAD_RIGHT     14.0
#define LABEL_GAP     6.0
#define TICK_LEN      4.0
#define LINE_WIDTH    2.0
#define OVERLAY_WIDTH 7.0   /* under the 2 px line: 2.5 px of dashes each side */

typedef struct
{
  double *values;
  guint   n;
} Series;

struct _RbSeriesChart
{
  GtkWidget  parent_instance;

  /* Owned data */
  Series     series[RB_N_METRICS];
  Series     overlay[RB_N_METRICS];

  guint      bins;
  guint      bin_size_minutes;
  gint64     start_unix;

  int        hover_bin;
  double     pointer_x;
  double     pointer_y;

  guint      visible : RB_N_METRICS;
  guint      pointer_inside : 1;
};

/* Where things go for one size; recomputed on demand (cheap). */
typedef struct
{
  double x;
  double y;
  double w;
  double h;
  double y_max;
  guint  y_steps;
  guint  bins;
} Layout;

G_DEFINE_FINAL_TYPE (RbSeriesChart, rb_series_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HOVER_BIN,
  PROP_N_BINS,
  PROP_SHOW_FIRST,
  N_PROPS = PROP_SHOW_FIRST + RB_N_METRICS
};

static GParamSpec *properties[N_PROPS];

/* Indexed by RbMetric. */
static const char * const show_property_names[RB_N_METRICS] = {
  "show-arrivals",
  "show-served",
  "show-errors",
  "show-external-demand",
  "show-queue-depth",
  "show-capacity",
};

/* Drawing and read-out order: flow first, then state, then limits. */
static const RbMetric chart_order[RB_N_METRICS] = {
  RB_METRIC_ARRIVALS,
  RB_METRIC_SERVED,
  RB_METRIC_QUEUE_DEPTH,
  RB_METRIC_ERRORS,
  RB_METRIC_CAPACITY,
  RB_METRIC_EXTERNAL_DEMAND,
};

/* GNOME palette shades; indexed by RbMetric, [0] light, [1] dark. */
static const guint32 metric_colors[RB_N_METRICS][2] = {
  { 0x1c71d8, 0x62a0ea },  /* arrivals: blue */
  { 0x26a269, 0x57e389 },  /* served: green */
  { 0xc01c28, 0xf66151 },  /* errors: red */
  { 0x1a8a8a, 0x4fd1c5 },  /* external demand: teal */
  { 0xe66100, 0xffa348 },  /* queue depth: orange */
  { 0x813d9c, 0xc061cb },  /* capacity: purple */
};

static const struct
{
  double m;
  guint  steps;
} nice_steps[] = {
  { 1.0, 5 }, { 1.5, 3 }, { 2.0, 4 }, { 2.5, 5 }, { 3.0, 3 },
  { 4.0, 4 }, { 5.0, 5 }, { 6.0, 3 }, { 8.0, 4 }, { 10.0, 5 },
};

/*
 * Helpers
 */

static void
series_set (Series       *s,
            const double *values,
            guint         n)
{
  g_clear_pointer (&s->values, g_free);
  s->n = 0;

  if (values == NULL || n == 0)
    return;

  s->values = g_memdup2 (values, sizeof (double) * n);
  s->n = n;
}

static double
series_value (const Series *s,
              guint         bin)
{
  if (s->values == NULL || bin >= s->n)
    return NAN;

  return s->values[bin];
}

static gboolean
metric_has_data (RbSeriesChart *self,
                 RbMetric       metric)
{
  return self->series[metric].n > 0 || self->overlay[metric].n > 0;
}

static gboolean
metric_shown (RbSeriesChart *self,
              RbMetric       metric)
{
  return (self->visible & (1u << metric)) != 0 && metric_has_data (self, metric);
}

static guint
effective_bins (RbSeriesChart *self)
{
  guint bins = 0;

  if (self->bins > 0)
    return self->bins;

  for (guint m = 0; m < RB_N_METRICS; m++)
    bins = MAX (bins, MAX (self->series[m].n, self->overlay[m].n));

  return bins;
}

static double
data_max (RbSeriesChart *self,
          guint          bins)
{
  double max = 0.0;

  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      const Series *both[2] = { &self->series[m], &self->overlay[m] };

      if (!metric_shown (self, m))
        continue;

      for (guint k = 0; k < 2; k++)
        {
          guint limit = MIN (both[k]->n, bins);

          for (guint i = 0; i < limit; i++)
            if (isfinite (both[k]->values[i]) && both[k]->values[i] > max)
              max = both[k]->values[i];
        }
    }

  return max;
}

static guint
n_shown (RbSeriesChart *self)
{
  guint n = 0;

  for (guint m = 0; m < RB_N_METRICS; m++)
    if (metric_shown (self, m))
      n++;

  return n;
}

static gboolean
has_clock (RbSeriesChart *self)
{
  return self->start_unix != 0 && self->bin_size_minutes > 0;
}

/* "01:00" (UTC time of day; "Day 2 01:00" on a grid over several days),
 * "+01:00" since the start when the start is unknown, NULL without a bin size. */
static char *
format_bin_time (RbSeriesChart *self,
                 guint          bin)
{
  gint64 minutes = (gint64) bin * self->bin_size_minutes;
  gint64 span = (gint64) effective_bins (self) * self->bin_size_minutes;

  if (self->bin_size_minutes == 0)
    return NULL;

  if (self->start_unix != 0)
    {
      gint64 t = self->start_unix + minutes * 60;
      gint64 start_day = self->start_unix - (((self->start_unix % 86400) + 86400) % 86400);
      gint64 day = (t - start_day) / 86400;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *clock = NULL;

      if (dt == NULL)
        return NULL;

      clock = g_date_time_format (dt, "%H:%M");
      if (self->start_unix - start_day + span * 60 <= 86400)
        return g_steal_pointer (&clock);

      /* Translators: a bin's time on a grid over several days, "Day 2 01:00" */
      return g_strdup_printf (_("Day %d %s"), (int) day + 1, clock);
    }

  if (minutes >= 1440)
    /* Translators: time since the grid start, days then hours:minutes */
    return g_strdup_printf (_("+%dd %02d:%02d"), (int) (minutes / 1440),
                            (int) (minutes % 1440 / 60), (int) (minutes % 60));

  return g_strdup_printf ("+%02d:%02d", (int) (minutes / 60), (int) (minutes % 60));
}

/* Read-out values keep two decimals at most: "38", "38.33". */
static char *
format_value (double value)
{
  char buf[RB_NUMBER_BUF_SIZE];
  double rounded;

  if (!isfinite (value))
    return g_strdup ("—");

  rounded = round (value * 100.0) / 100.0;
  if (rounded == 0.0)
    rounded = 0.0;  /* no "-0" */
  rb_number_format (rounded, buf);

  return g_strdup (buf);
}

/* "Served 38 (source 40)" for one metric at @bin. */
static char *
describe_metric (RbSeriesChart *self,
                 RbMetric       metric,
                 guint          bin)
{
  g_autofree char *value = format_value (series_value (&self->series[metric], bin));
  g_autofree char *main_part = NULL;

  /* Translators: a metric and its value in the chart read-out, "Arrivals 40" */
  main_part = g_strdup_printf (C_("chart read-out", "%s %s"),
                               rb_series_chart_metric_label (metric), value);

  if (self->overlay[metric].n > 0)
    {
      g_autofree char *source = format_value (series_value (&self->overlay[metric], bin));

      /* Translators: a replay's value and its source run's value, "Served 38 (source 40)" */
      return g_strdup_printf (_("%s (source %s)"), main_part, source);
    }

  return g_steal_pointer (&main_part);
}

static char *
describe_header (RbSeriesChart *self,
                 guint          bin)
{
  g_autofree char *time = format_bin_time (self, bin);

  if (time != NULL)
    /* Translators: head of the chart read-out, "Bin 12 · 01:00" */
    return g_strdup_printf (_("Bin %u · %s"), bin, time);

  /* Translators: head of the chart read-out without times */
  return g_strdup_printf (_("Bin %u"), bin);
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *fg)
{
  /* gtk_widget_get_color() is GTK 4.10. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
text_size (GtkWidget  *widget,
           const char *text,
           int        *width,
           int        *height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_get_pixel_size (layout, width, height);
}

static void
compute_layout (RbSeriesChart *self,
                double         width,
                double         height,
                Layout        *l)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int label_w = 0;
  int text_h = 0;

  l->bins = effective_bins (self);
  l->y_max = rb_series_chart_nice_max (data_max (self, l->bins), &l->y_steps);

  for (guint i = 0; i <= l->y_steps; i++)
    {
      g_autofree char *text = rb_series_chart_format_short (l->y_max * i / l->y_steps);
      int w, h;

      text_size (widget, text, &w, &h);
      label_w = MAX (label_w, w);
      text_h = MAX (text_h, h);
    }

  l->x = label_w + LABEL_GAP + 2.0;
  l->y = MAX (PAD_TOP, text_h / 2.0 + 2.0);
  l->w = MAX (1.0, width - l->x - PAD_RIGHT);
  l->h = MAX (1.0, height - l->y - text_h - TICK_LEN - LABEL_GAP);
}

static double
y_of (const Layout *l,
      double        value)
{
  return l->y + l->h - (value / l->y_max) * l->h;
}

static double
x_of_bin (const Layout *l,
          guint         bin)
{
  return l->x + (bin + 0.5) * l->w / l->bins;
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *c,
            double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/*
 * Drawing
 */

static void
draw_y_axis (RbSeriesChart *self,
             cairo_t       *cr,
             const Layout  *l,
             const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);

  cairo_set_line_width (cr, 1.0);

  for (guint i = 0; i <= l->y_steps; i++)
    {
      double value = l->y_max * i / l->y_steps;
      double y = round (y_of (l, value)) + 0.5;
      g_autofree char *text = rb_series_chart_format_short (value);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
      int w, h;

      set_source (cr, fg, i == 0 ? 0.45 : 0.12);
      cairo_move_to (cr, l->x, y);
      cairo_line_to (cr, l->x + l->w, y);
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, fg, 0.7);
      cairo_move_to (cr, l->x - LABEL_GAP - w, y - h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
}

/* Label every @step bins, or at clock-aligned times when the grid has a start. */
static void
choose_x_step (RbSeriesChart *self,
               const Layout  *l,
               double         min_px,
               guint         *step,
               gboolean      *clock)
{
  static const guint minute_steps[] = { 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080 };
  static const guint bin_steps[] = { 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000 };
  double px_per_bin = l->w / l->bins;

  *clock = FALSE;

  if (has_clock (self))
    {
      for (guint i = 0; i < G_N_ELEMENTS (minute_steps); i++)
        {
          if (minute_steps[i] % self->bin_size_minutes != 0)
            continue;
          if (px_per_bin * minute_steps[i] / self->bin_size_minutes >= min_px)
            {
              *step = minute_steps[i];
              *clock = TRUE;
              return;
            }
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (bin_steps); i++)
    if (px_per_bin * bin_steps[i] >= min_px)
      {
        *step = bin_steps[i];
        return;
      }

  *step = MAX (1u, (guint) ceil (min_px / px_per_bin));
}

static void
draw_x_axis (RbSeriesChart *self,
             cairo_t       *cr,
             const Layout  *l,
             const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double bottom = l->y + l->h;
  gboolean clock;
  guint step;
  int sample_w, sample_h;
  double last_right = -G_MAXDOUBLE;

  if (l->bins == 0)
    return;

  text_size (widget, has_clock (self) ? "00:00" : "00000", &sample_w, &sample_h);
  choose_x_step (self, l, sample_w + 24.0, &step, &clock);

  cairo_set_line_width (cr, 1.0);

  for (guint bin = 0; bin < l->bins; bin++)
    {
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      double x;
      int w, h;

      if (clock)
        {
          gint64 minute = self->start_unix / 60 + (gint64) bin * self->bin_size_minutes;
          g_autoptr(GDateTime) dt = NULL;

          if (minute % step != 0)
            continue;
          dt = g_date_time_new_from_unix_utc (minute * 60);
          if (dt == NULL)
            continue;
          text = g_date_time_format (dt, "%H:%M");
        }
      else
        {
          if (bin % step != 0)
            continue;
          text = g_strdup_printf ("%u", bin);
        }

      x = round (x_of_bin (l, bin)) + 0.5;
      set_source (cr, fg, 0.45);
      cairo_move_to (cr, x, bottom);
      cairo_line_to (cr, x, bottom + TICK_LEN);
      cairo_stroke (cr);

      layout = gtk_widget_create_pango_layout (widget, text);
      pango_layout_get_pixel_size (layout, &w, &h);
      x = CLAMP (x - w / 2.0, 0.0, gtk_widget_get_width (widget) - w);
      if (x < last_right + 8.0)
        continue;
      last_right = x + w;

      set_source (cr, fg, 0.7);
      cairo_move_to (cr, x, bottom + TICK_LEN + 2.0);
      pango_cairo_show_layout (cr, layout);
    }
}

static gboolean
is_dense (const Layout *l)
{
  return l->bins > 2 * (guint) ceil (l->w);
}

/* Adds the series' path, one point per bin; gaps (NaN) lift the pen. Lone
 * points become dots (a zero-length segment with round caps). */
static void
trace_series (cairo_t      *cr,
              const Layout *l,
              const Series *s)
{
  guint limit = MIN (s->n, l->bins);
  gboolean pen = FALSE;

  for (guint i = 0; i < limit; i++)
    {
      double v = s->values[i];

      if (!isfinite (v))
        {
          pen = FALSE;
          continue;
        }
      if (!pen)
        cairo_move_to (cr, x_of_bin (l, i), y_of (l, v));
      cairo_line_to (cr, x_of_bin (l, i), y_of (l, v));
      pen = TRUE;
    }
}

/* More bins than two per pixel column: each column's min and max. A
 * zig-zag stroke through them rasterises slowly (every segment crosses
 * the others' scanlines), so the envelope is filled as one polygon per
 * run of columns instead, at least @thickness tall: it looks the same. */
static void
trace_band (cairo_t      *cr,
            const Layout *l,
            const Series *s,
            double        thickness)
{
  guint columns = (guint) ceil (l->w);
  guint limit = MIN (s->n, l->bins);
  g_autofree double *top = g_new (double, columns);
  g_autofree double *bottom = g_new (double, columns);
  guint c = 0;

  for (c = 0; c < columns; c++)
    {
      guint first = (guint) ((guint64) c * l->bins / columns);
      guint last = MIN (limit, (guint) ((guint64) (c + 1) * l->bins / columns));
      double lo = INFINITY, hi = -INFINITY;

      for (guint i = first; i < last; i++)
        if (isfinite (s->values[i]))
          {
            lo = MIN (lo, s->values[i]);
            hi = MAX (hi, s->values[i]);
          }

      if (lo > hi)
        {
          top[c] = bottom[c] = NAN;
          continue;
        }
      top[c] = y_of (l, hi) - thickness / 2;
      bottom[c] = y_of (l, lo) + thickness / 2;
    }

  c = 0;
  while (c < columns)
    {
      guint run_end;

      if (isnan (top[c]))
        {
          c++;
          continue;
        }
      for (run_end = c; run_end < columns && !isnan (top[run_end]); run_end++)
        ;

      cairo_move_to (cr, l->x + c, top[c]);
      for (guint k = c; k < run_end; k++)
        {
          cairo_line_to (cr, l->x + k, top[k]);
          cairo_line_to (cr, l->x + k + 1, top[k]);
        }
      for (guint k = run_end; k > c; k--)
        {
          cairo_line_to (cr, l->x + k, bottom[k - 1]);
          cairo_line_to (cr, l->x + k - 1, bottom[k - 1]);
        }
      cairo_close_path (cr);
      c = run_end;
    }
}

static void
draw_series (RbSeriesChart *self,
             cairo_t       *cr,
             const Layout  *l,
             gboolean       dark)
{
  static const double dashes[] = { 6.0, 4.0 };
  gboolean dense = is_dense (l);

  cairo_save (cr);
  cairo_rectangle (cr, l->x - LINE_WIDTH, l->y - LINE_WIDTH,
                   l->w + 2 * LINE_WIDTH, l->h + 2 * LINE_WIDTH);
  cairo_clip (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (guint k = 0; k < RB_N_METRICS; k++)
    {
      RbMetric metric = chart_order[k];
      GdkRGBA color;

      if (!metric_shown (self, metric))
        continue;

      rb_series_chart_get_metric_color (metric, dark, &color);

      /* The source run's series first, under the replay's: a wider,
       * lighter dashed line, so where the two agree the solid line runs
       * through a dashed edging (still visible: a replay's series often
       * equal its source's exactly) and where they drift the dashes
       * stand apart. Dense, it is a see-through band. */
      if (self->overlay[metric].n > 0)
        {
          cairo_new_path (cr);
          if (dense)
            {
              trace_band (cr, l, &self->overlay[metric], OVERLAY_WIDTH);
              set_source (cr, &color, 0.4);
              cairo_fill (cr);
            }
          else
            {
              trace_series (cr, l, &self->overlay[metric]);
              set_source (cr, &color, 0.35);
              cairo_set_line_width (cr, OVERLAY_WIDTH);
              cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
              /* Butt ends: round ones this wide would close the gaps. */
              cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
              cairo_stroke (cr);
              cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
            }
        }

      if (self->series[metric].n > 0)
        {
          cairo_new_path (cr);
          set_source (cr, &color, 1.0);
          if (dense)
            {
              trace_band (cr, l, &self->series[metric], LINE_WIDTH);
              cairo_fill (cr);
            }
          else
            {
              trace_series (cr, l, &self->series[metric]);
              cairo_set_line_width (cr, LINE_WIDTH);
              cairo_set_dash (cr, NULL, 0, 0);
              cairo_stroke (cr);
            }
        }
    }

  cairo_restore (cr);
}

static char *
build_readout_markup (RbSeriesChart *self,
                      guint          bin,
                      gboolean       dark)
{
  g_autofree char *header = describe_header (self, bin);
  g_autofree char *header_escaped = g_markup_escape_text (header, -1);
  GString *markup = g_string_new (NULL);

  g_string_append_printf (markup, "<b>%s</b>", header_escaped);

  for (guint k = 0; k < RB_N_METRICS; k++)
    {
      RbMetric metric = chart_order[k];
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;
      GdkRGBA c;

      if (!metric_shown (self, metric))
        continue;

      rb_series_chart_get_metric_color (metric, dark, &c);
      text = describe_metric (self, metric, bin);
      escaped = g_markup_escape_text (text, -1);
      g_string_append_printf (markup, "\n<span foreground=\"#%02x%02x%02x\">●</span> %s",
                              (guint) (c.red * 255 + 0.5), (guint) (c.green * 255 + 0.5),
                              (guint) (c.blue * 255 + 0.5), escaped);
    }

  return g_string_free (markup, FALSE);
}

static void
draw_hover (RbSeriesChart *self,
            cairo_t       *cr,
            const Layout  *l,
            const GdkRGBA *fg,
            gboolean       dark)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *markup = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  double x, bx, by, bw, bh;
  int w, h;

  if (self->hover_bin < 0 || (guint) self->hover_bin >= l->bins)
    return;

  x = round (x_of_bin (l, self->hover_bin)) + 0.5;
  set_source (cr, fg, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, x, l->y);
  cairo_line_to (cr, x, l->y + l->h);
  cairo_stroke (cr);

  for (guint k = 0; k < RB_N_METRICS; k++)
    {
      RbMetric metric = chart_order[k];
      double v = series_value (&self->series[metric], self->hover_bin);
      GdkRGBA c;

      if (!metric_shown (self, metric) || !isfinite (v))
        continue;

      rb_series_chart_get_metric_color (metric, dark, &c);
      cairo_new_path (cr);
      cairo_arc (cr, x_of_bin (l, self->hover_bin), CLAMP (y_of (l, v), l->y, l->y + l->h),
                 3.5, 0, 2 * G_PI);
      set_source (cr, &c, 1.0);
      cairo_fill (cr);
    }

  markup = build_readout_markup (self, self->hover_bin, dark);
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &w, &h);

  /* Beside the pointer (or the hovered bin), flipping left near the edge. */
  bw = w + 16.0;
  bh = h + 12.0;
  bx = (self->pointer_inside ? self->pointer_x : x) + 14.0;
  if (bx + bw > gtk_widget_get_width (widget) - 2.0)
    bx = (self->pointer_inside ? self->pointer_x : x) - 14.0 - bw;
  bx = MAX (2.0, bx);
  by = self->pointer_inside ? self->pointer_y - bh / 2.0 : l->y + 4.0;
  by = CLAMP (by, 2.0, MAX (2.0, gtk_widget_get_height (widget) - bh - 2.0));

  cairo_new_path (cr);
  cairo_arc (cr, bx + bw - 6, by + 6, 6, -G_PI / 2, 0);
  cairo_arc (cr, bx + bw - 6, by + bh - 6, 6, 0, G_PI / 2);
  cairo_arc (cr, bx + 6, by + bh - 6, 6, G_PI / 2, G_PI);
  cairo_arc (cr, bx + 6, by + 6, 6, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  if (dark)
    cairo_set_source_rgba (cr, 0.19, 0.19, 0.21, 0.96);
  else
    cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, 0.96);
  cairo_fill_preserve (cr);
  set_source (cr, fg, 0.18);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  set_source (cr, fg, 1.0);
  cairo_move_to (cr, bx + 8.0, by + 6.0);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_empty (RbSeriesChart *self,
            cairo_t       *cr,
            const Layout  *l,
            const GdkRGBA *fg)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("No series"));
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  set_source (cr, fg, 0.55);
  cairo_move_to (cr, l->x + (l->w - w) / 2.0, l->y + (l->h - h) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
update_accessible (RbSeriesChart *self)
{
  g_autofree char *bins_text = NULL;
  g_autofree char *label = NULL;
  g_autofree char *readout = NULL;
  guint bins = effective_bins (self);
  guint shown = n_shown (self);

  /* Translators: second half of "Chart of 3 series over 96 bins" */
  bins_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bin", "%u bins", bins), bins);
  /* Translators: accessible summary of the chart, "Chart of 3 series over 96 bins" */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Chart of %u series over %s",
                                        "Chart of %u series over %s", shown),
                           shown, bins_text);

  readout = rb_series_chart_describe_bin (self, self->hover_bin);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, readout ? readout : "",
                                  -1);
}

static void
data_changed (RbSeriesChart *self)
{
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/*
 * Callbacks
 */

static void
on_motion_cb (RbSeriesChart            *self,
              double                    x,
              double                    y,
              GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  rb_series_chart_set_hover_bin (self, rb_series_chart_bin_at_x (self, x));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave_cb (RbSeriesChart            *self,
             GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
  rb_series_chart_set_hover_bin (self, -1);
}

static gboolean
on_key_pressed_cb (RbSeriesChart         *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *controller)
{
  int bins = (int) effective_bins (self);
  int bin = self->hover_bin;

  if (bins == 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      bin = bin < 0 ? bins - 1 : MAX (0, bin - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      bin = bin < 0 ? 0 : MIN (bins - 1, bin + 1);
      break;
    case GDK_KEY_Home:
      bin = 0;
      break;
    case GDK_KEY_End:
      bin = bins - 1;
      break;
    case GDK_KEY_Escape:
      if (bin < 0)
        return GDK_EVENT_PROPAGATE;
      bin = -1;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  self->pointer_inside = FALSE;
  rb_series_chart_set_hover_bin (self, bin);
  return GDK_EVENT_STOP;
}

/*
 * GtkWidget
 */

static void
rb_series_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  RbSeriesChart *self = RB_SERIES_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;
  GdkRGBA fg;
  gboolean dark;
  Layout l;

  if (width <= 0 || height <= 0)
    return;

  get_foreground (widget, &fg);
  dark = luminance (&fg) > 0.5;
  compute_layout (self, width, height, &l);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  draw_y_axis (self, cr, &l, &fg);
  if (n_shown (self) == 0 || l.bins == 0)
    draw_empty (self, cr, &l, &fg);
  else
    {
      draw_x_axis (self, cr, &l, &fg);
      draw_series (self, cr, &l, dark);
      draw_hover (self, cr, &l, &fg, dark);
    }

  cairo_destroy (cr);
}

static void
rb_series_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 480;
    }
  else
    {
      *minimum = 120;
      *natural = 240;
    }
}

/*
 * GObject
 */

static void
rb_series_chart_finalize (GObject *object)
{
  RbSeriesChart *self = RB_SERIES_CHART (object);

  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      series_set (&self->series[m], NULL, 0);
      series_set (&self->overlay[m], NULL, 0);
    }

  G_OBJECT_CLASS (rb_series_chart_parent_class)->finalize (object);
}

static void
rb_series_chart_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  RbSeriesChart *self = RB_SERIES_CHART (object);

  if (prop_id >= PROP_SHOW_FIRST && prop_id < PROP_SHOW_FIRST + RB_N_METRICS)
    {
      g_value_set_boolean (value, rb_series_chart_get_metric_visible (self, prop_id - PROP_SHOW_FIRST));
      return;
    }

  switch (prop_id)
    {
    case PROP_HOVER_BIN:
      g_value_set_int (value, self->hover_bin);
      break;

    case PROP_N_BINS:
      g_value_set_uint (value, effective_bins (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_series_chart_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  RbSeriesChart *self = RB_SERIES_CHART (object);

  if (prop_id >= PROP_SHOW_FIRST && prop_id < PROP_SHOW_FIRST + RB_N_METRICS)
    {
      rb_series_chart_set_metric_visible (self, prop_id - PROP_SHOW_FIRST, g_value_get_boolean (value));
      return;
    }

  switch (prop_id)
    {
    case PROP_HOVER_BIN:
      rb_series_chart_set_hover_bin (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_series_chart_class_init (RbSeriesChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rb_series_chart_finalize;
  object_class->get_property = rb_series_chart_get_property;
  object_class->set_property = rb_series_chart_set_property;

  widget_class->snapshot = rb_series_chart_snapshot;
  widget_class->measure = rb_series_chart_measure;

  properties[PROP_HOVER_BIN] =
    g_param_spec_int ("hover-bin", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_N_BINS] =
    g_param_spec_uint ("n-bins", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  for (guint m = 0; m < RB_N_METRICS; m++)
    properties[PROP_SHOW_FIRST + m] =
      g_param_spec_boolean (show_property_names[m], NULL, NULL,
                            TRUE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "serieschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rb_series_chart_init (RbSeriesChart *self)
{
  GtkEventController *controller;

  self->hover_bin = -1;
  self->visible = (1u << RB_N_METRICS) - 1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_accessible (self);
}

/*
 * Public API
 */

GtkWidget *
rb_series_chart_new (void)
{
  return g_object_new (RB_TYPE_SERIES_CHART, NULL);
}

static void
notify_bins (RbSeriesChart *self,
             guint          old_bins)
{
  guint bins = effective_bins (self);

  if (bins == old_bins)
    return;

  if (self->hover_bin >= (int) bins)
    rb_series_chart_set_hover_bin (self, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_BINS]);
}

void
rb_series_chart_set_grid (RbSeriesChart *self,
                          guint          bins,
                          guint          bin_size_minutes,
                          gint64         start_unix)
{
  guint old_bins;

  g_return_if_fail (RB_IS_SERIES_CHART (self));

  old_bins = effective_bins (self);
  self->bins = bins;
  self->bin_size_minutes = bin_size_minutes;
  self->start_unix = start_unix;
  notify_bins (self, old_bins);
  data_changed (self);
}

guint
rb_series_chart_get_n_bins (RbSeriesChart *self)
{
  g_return_val_if_fail (RB_IS_SERIES_CHART (self), 0);

  return effective_bins (self);
}

void
rb_series_chart_set_series (RbSeriesChart *self,
                            RbMetric       metric,
                            const double  *values,
                            guint          n)
{
  guint old_bins;

  g_return_if_fail (RB_IS_SERIES_CHART (self));
  g_return_if_fail ((guint) metric < RB_N_METRICS);

  old_bins = effective_bins (self);
  series_set (&self->series[metric], values, n);
  notify_bins (self, old_bins);
  data_changed (self);
}

void
rb_series_chart_set_overlay_series (RbSeriesChart *self,
                                    RbMetric       metric,
                                    const double  *values,
                                    guint          n)
{
  guint old_bins;

  g_return_if_fail (RB_IS_SERIES_CHART (self));
  g_return_if_fail ((guint) metric < RB_N_METRICS);

  old_bins = effective_bins (self);
  series_set (&self->overlay[metric], values, n);
  notify_bins (self, old_bins);
  data_changed (self);
}

void
rb_series_chart_clear (RbSeriesChart *self)
{
  guint old_bins;

  g_return_if_fail (RB_IS_SERIES_CHART (self));

  old_bins = effective_bins (self);
  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      series_set (&self->series[m], NULL, 0);
      series_set (&self->overlay[m], NULL, 0);
    }
  self->bins = 0;
  self->bin_size_minutes = 0;
  self->start_unix = 0;
  rb_series_chart_set_hover_bin (self, -1);
  notify_bins (self, old_bins);
  data_changed (self);
}

void
rb_series_chart_set_metric_visible (RbSeriesChart *self,
                                    RbMetric       metric,
                                    gboolean       visible)
{
  guint bit;

  g_return_if_fail (RB_IS_SERIES_CHART (self));
  g_return_if_fail ((guint) metric < RB_N_METRICS);

  bit = 1u << metric;
  visible = !!visible;
  if (((self->visible & bit) != 0) == visible)
    return;

  if (visible)
    self->visible |= bit;
  else
    self->visible &= ~bit;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_FIRST + metric]);
  data_changed (self);
}

gboolean
rb_series_chart_get_metric_visible (RbSeriesChart *self,
                                    RbMetric       metric)
{
  g_return_val_if_fail (RB_IS_SERIES_CHART (self), FALSE);
  g_return_val_if_fail ((guint) metric < RB_N_METRICS, FALSE);

  return (self->visible & (1u << metric)) != 0;
}

gboolean
rb_series_chart_has_metric (RbSeriesChart *self,
                            RbMetric       metric)
{
  g_return_val_if_fail (RB_IS_SERIES_CHART (self), FALSE);
  g_return_val_if_fail ((guint) metric < RB_N_METRICS, FALSE);

  return metric_has_data (self, metric);
}

int
rb_series_chart_get_hover_bin (RbSeriesChart *self)
{
  g_return_val_if_fail (RB_IS_SERIES_CHART (self), -1);

  return self->hover_bin;
}

void
rb_series_chart_set_hover_bin (RbSeriesChart *self,
                               int            bin)
{
  g_return_if_fail (RB_IS_SERIES_CHART (self));

  if (bin < 0 || (guint) bin >= effective_bins (self))
    bin = -1;

  if (bin == self->hover_bin)
    return;

  self->hover_bin = bin;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_BIN]);
}

char *
rb_series_chart_describe_bin (RbSeriesChart *self,
                              int            bin)
{
  g_autofree char *header = NULL;
  GString *text;

  g_return_val_if_fail (RB_IS_SERIES_CHART (self), NULL);

  if (bin < 0 || (guint) bin >= effective_bins (self))
    return NULL;

  header = describe_header (self, bin);
  text = g_string_new (header);

  for (guint k = 0; k < RB_N_METRICS; k++)
    {
      RbMetric metric = chart_order[k];
      g_autofree char *part = NULL;

      if (!metric_shown (self, metric))
        continue;

      part = describe_metric (self, metric, bin);
      g_string_append (text, " · ");
      g_string_append (text, part);
    }

  return g_string_free (text, FALSE);
}

int
rb_series_chart_bin_at_x (RbSeriesChart *self,
                          double         x)
{
  graphene_rect_t area;
  guint bins;
  int bin;

  g_return_val_if_fail (RB_IS_SERIES_CHART (self), -1);

  bins = effective_bins (self);
  rb_series_chart_get_plot_area (self, &area);
  if (bins == 0 || x < area.origin.x || x > area.origin.x + area.size.width)
    return -1;

  bin = (int) floor ((x - area.origin.x) / area.size.width * bins);
  return CLAMP (bin, 0, (int) bins - 1);
}

void
rb_series_chart_get_plot_area (RbSeriesChart   *self,
                               graphene_rect_t *area)
{
  Layout l;

  g_return_if_fail (RB_IS_SERIES_CHART (self));
  g_return_if_fail (area != NULL);

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &l);
  graphene_rect_init (area, l.x, l.y, l.w, l.h);
}

double
rb_series_chart_nice_max (double  max,
                          guint  *n_steps)
{
  double exponent;
  double scale;

  if (n_steps != NULL)
    *n_steps = nice_steps[0].steps;

  if (!isfinite (max) || max <= 0.0)
    return 1.0;

  exponent = floor (log10 (max));
  scale = pow (10.0, fabs (exponent));

  for (guint i = 0; i < G_N_ELEMENTS (nice_steps); i++)
    {
      /* Divide by the power for negative exponents: 3 / 10 is exactly 0.3. */
      double candidate = exponent < 0 ? nice_steps[i].m / scale : nice_steps[i].m * scale;

      if (candidate >= max * (1.0 - 1e-12))
        {
          if (n_steps != NULL)
            *n_steps = nice_steps[i].steps;
          return candidate;
        }
    }

  /* Only if log10() rounded the wrong way: keep the data in view. */
  return max;
}

char *
rb_series_chart_format_short (double value)
{
  static const struct
  {
    double      div;
    const char *suffix;
  } units[] = {
    { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
  };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double magnitude = fabs (value);

  if (!isfinite (value))
    return g_strdup ("—");

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (magnitude >= units[i].div)
      {
        g_ascii_formatd (buf, sizeof buf, "%.3g", value / units[i].div);
        return g_strconcat (buf, units[i].suffix, NULL);
      }

  if (magnitude < 1e-12)
    return g_strdup ("0");

  g_ascii_formatd (buf, sizeof buf, "%.3g", value);
  return g_strdup (buf);
}

void
rb_series_chart_get_metric_color (RbMetric  metric,
                                  gboolean  dark,
                                  GdkRGBA  *color)
{
  guint32 rgb;

  g_return_if_fail ((guint) metric < RB_N_METRICS);
  g_return_if_fail (color != NULL);

  rgb = metric_colors[metric][dark ? 1 : 0];
  color->red = ((rgb >> 16) & 0xff) / 255.0f;
  color->green = ((rgb >> 8) & 0xff) / 255.0f;
  color->blue = (rgb & 0xff) / 255.0f;
  color->alpha = 1.0f;
}

const char *
rb_series_chart_metric_label (RbMetric metric)
{
  switch (metric)
    {
    case RB_METRIC_ARRIVALS:
      return _("Arrivals");
    case RB_METRIC_SERVED:
      return _("Served");
    case RB_METRIC_ERRORS:
      return _("Errors");
    case RB_METRIC_EXTERNAL_DEMAND:
      return _("External demand");
    case RB_METRIC_QUEUE_DEPTH:
      return _("Queue depth");
    case RB_METRIC_CAPACITY:
      return _("Capacity");
    case RB_N_METRICS:
    default:
      g_return_val_if_reached ("");
    }
}
