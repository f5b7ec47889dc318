/* rb-run-detail.c — the detail pane for one run
 *
 * Shows what the backend says about a run, in words: never a file path.
 * RbRunDetail::select-run is emitted when the user follows the lineage
 * line of a replay to its source run.
 *
 * The Series section charts one topology node at a time: picking a node
 * reads its bound series through the backend (a newer pick cancels the
 * reads of the older one). For a replay, the source run's detail is read
 * once per run, and the same node's series of the source run are drawn
 * over the replay's as the chart's overlay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-run-detail"

#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "rb-error.h"
#include "rb-format.h"
#include "rb-run-detail.h"
#include "rb-series-chart.h"

struct _RbRunDetail
{
  GtkWidget             parent_instance;

  /* Owned references */
  RbRun                *run;
  GPtrArray            *dynamic_rows;   /* (row, group) pairs added in code */
  RbBackend            *backend;
  RbRun                *source_run;     /* a replay's source, with detail */
  GCancellable         *series_cancellable;
  GCancellable         *source_cancellable;
  GtkStringList        *nodes;          /* node ids of the run's topology */
  GtkWidget            *metric_toggles[RB_N_METRICS];
  GtkWidget            *metric_dots[RB_N_METRICS];
  guint                 series_generation;
  guint                 series_pending;
  guint                 source_pending : 1;

  /* Template widgets */
  GtkStack             *stack;
  AdwStatusPage        *problem_page;
  GtkLabel             *title_label;
  GtkLabel             *version_label;
  AdwPreferencesGroup  *lineage_group;
  AdwActionRow         *lineage_row;
  GtkLabel             *run_id_value;
  GtkLabel             *template_value;
  GtkLabel             *created_value;
  GtkLabel             *mode_value;
  GtkLabel             *grid_value;
  GtkLabel             *seed_value;
  AdwPreferencesGroup  *parameters_group;
  GtkLabel             *telemetry_available_value;
  GtkLabel             *telemetry_generated_value;
  GtkLabel             *telemetry_warnings_value;
  GtkLabel             *telemetry_source_value;
  AdwPreferencesGroup  *warnings_group;
  AdwActionRow         *generate_row;
  AdwActionRow         *replay_telemetry_row;
  GtkWidget            *generate_first_button;
  GtkWidget            *replay_telemetry_button;
  AdwPreferencesGroup  *series_group;
  GtkDropDown          *node_dropdown;
  GtkWidget            *series_box;
  GtkFlowBox           *metric_box;
  RbSeriesChart        *series_chart;
  GtkLabel             *series_caption;

  guint                 generation_allowed : 1;
};

G_DEFINE_FINAL_TYPE (RbRunDetail, rb_run_detail, GTK_TYPE_WIDGET)

enum {
  SELECT_RUN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A value beside its row title. Wrapping labels would otherwise ask for
 * one character of width and end up as a column of syllables: ask for the
 * whole text up to VALUE_WIDTH_CHARS, and wrap only beyond that. */
#define VALUE_WIDTH_CHARS 36

static void
set_value (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_label (label, text);
  gtk_label_set_width_chars (label, MIN (g_utf8_strlen (text, -1), VALUE_WIDTH_CHARS));
  gtk_label_set_max_width_chars (label, VALUE_WIDTH_CHARS);
}

static void
clear_dynamic_rows (RbRunDetail *self)
{
  for (guint i = 0; i + 1 < self->dynamic_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->dynamic_rows, i + 1),
                                  g_ptr_array_index (self->dynamic_rows, i));
  g_ptr_array_set_size (self->dynamic_rows, 0);
}

static GtkWidget *
add_row (RbRunDetail         *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  /* Run data is not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (value != NULL)
    {
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      set_value (GTK_LABEL (label), value);
      gtk_widget_add_css_class (label, "run-value");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->dynamic_rows, row);
  g_ptr_array_add (self->dynamic_rows, group);

  return row;
}

static int
compare_member_names (gconstpointer a,
                      gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
fill_parameters (RbRunDetail *self,
                 RbRun       *run)
{
  JsonObject *parameters = rb_run_get_parameters (run);
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (parameters != NULL)
    members = json_object_get_members (parameters);
  for (const GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, compare_member_names);

  adw_preferences_group_set_description (self->parameters_group,
                                         names->len == 0 ? _("This run has no parameters.") : NULL);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *value = rb_format_json_value (json_object_get_member (parameters, name));

      add_row (self, self->parameters_group, name, NULL, value);
    }
}

static void
fill_warnings (RbRunDetail *self,
               RbRun       *run)
{
  GPtrArray *warnings = rb_run_get_warnings (run);
  guint n = warnings != NULL ? warnings->len : 0;

  adw_preferences_group_set_description (self->warnings_group,
                                         n == 0 ? _("This run has no warnings.") : NULL);

  for (guint i = 0; i < n; i++)
    {
      const RbWarning *warning = g_ptr_array_index (warnings, i);
      g_autoptr(GString) where = g_string_new (NULL);

      if (warning->node_id != NULL)
        /* Translators: where a warning applies: a topology node */
        g_string_append_printf (where, _("Node %s"), warning->node_id);

      if (warning->bins != NULL && warning->bins->len > 0)
        {
          if (where->len > 0)
            g_string_append (where, " · ");
          g_string_append (where, g_dngettext (GETTEXT_PACKAGE, "Bin", "Bins", warning->bins->len));
          for (guint b = 0; b < warning->bins->len && b < 12; b++)
            g_string_append_printf (where, "%s%d", b == 0 ? " " : ", ",
                                    g_array_index (warning->bins, int, b));
          if (warning->bins->len > 12)
            g_string_append (where, ", …");
        }

      add_row (self, self->warnings_group,
               warning->message != NULL ? warning->message : warning->code,
               where->len > 0 ? where->str : NULL,
               warning->code);
    }
}

static void
fill_lineage (RbRunDetail *self,
              RbRun       *run)
{
  const char *source_id = rb_run_get_source_run_id (run);
  const char *kind = rb_run_get_source_kind (run);
  g_autofree char *short_id = NULL;
  g_autofree char *title = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->lineage_group), source_id != NULL);
  if (source_id == NULL)
    return;

  short_id = rb_format_short_run_id (source_id);
  if (g_strcmp0 (kind, "telemetry") == 0)
    /* Translators: %s is a (short) run id */
    title = g_strdup_printf (_("Replay from telemetry of %s"), short_id);
  else
    /* Translators: %s is a (short) run id */
    title = g_strdup_printf (_("Replay from model of %s"), short_id);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->lineage_row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->lineage_row), source_id);
}

static void
fill_telemetry (RbRunDetail *self,
                RbRun       *run)
{
  const RbTelemetrySummary *telemetry = rb_run_get_telemetry (run);
  g_autofree char *generated = NULL;
  g_autofree char *count = NULL;
  gboolean available = telemetry != NULL && telemetry->available;

  set_value (self->telemetry_available_value, available ? _("Yes") : _("No"));

  if (telemetry != NULL)
    generated = rb_format_timestamp (telemetry->generated_at_utc);
  set_value (self->telemetry_generated_value, generated != NULL ? generated : "—");

  count = g_strdup_printf ("%u", telemetry != NULL ? telemetry->warning_count : 0);
  set_value (self->telemetry_warnings_value, available ? count : "—");

  set_value (self->telemetry_source_value,
                       telemetry != NULL && telemetry->source_run_id != NULL ?
                       telemetry->source_run_id : "—");
}

static void
fill_summary (RbRunDetail *self,
              RbRun       *run)
{
  const char *title = rb_run_get_template_title (run);
  const char *version = rb_run_get_template_version (run);
  g_autofree char *version_text = NULL;
  g_autofree char *created = NULL;
  g_autofree char *grid = NULL;
  g_autofree char *seed = NULL;

  if (title == NULL || *title == '\0')
    title = rb_run_get_template_id (run);
  gtk_label_set_label (self->title_label, title != NULL ? title : _("Untitled Run"));

  if (version != NULL && *version != '\0')
    /* Translators: template version */
    version_text = g_strdup_printf (_("Version %s"), version);
  gtk_widget_set_visible (GTK_WIDGET (self->version_label), version_text != NULL);
  gtk_label_set_label (self->version_label, version_text != NULL ? version_text : "");

  set_value (self->run_id_value, rb_run_get_run_id (run));
  set_value (self->template_value,
                       rb_run_get_template_id (run) != NULL ? rb_run_get_template_id (run) : "—");

  if (rb_run_get_created_unix (run) > 0)
    {
      g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (rb_run_get_created_unix (run));
      g_autofree char *relative = rb_format_created (rb_run_get_created_unix (run), NULL);
      /* Translators: absolute date and time of a run, see g_date_time_format() */
      g_autofree char *absolute = g_date_time_format (local, _("%Y-%m-%d %H:%M"));

      if (g_strcmp0 (relative, absolute) == 0)
        created = g_steal_pointer (&absolute);
      else
        /* Translators: "5 minutes ago (2025-10-01 14:02)" */
        created = g_strdup_printf (_("%s (%s)"), relative, absolute);
    }
  set_value (self->created_value, created != NULL ? created : _("Unknown"));

  set_value (self->mode_value, rb_format_mode (rb_run_get_mode (run)));

  if (rb_run_get_has_grid (run))
    grid = rb_format_grid (rb_run_get_bins (run), rb_run_get_bin_size (run), rb_run_get_bin_unit (run));
  set_value (self->grid_value, grid != NULL ? grid : "—");

  if (rb_run_get_has_rng (run))
    {
      if (rb_run_get_rng_kind (run) != NULL)
        seed = g_strdup_printf ("%" G_GINT64_FORMAT " (%s)", rb_run_get_rng_seed (run), rb_run_get_rng_kind (run));
      else
        seed = g_strdup_printf ("%" G_GINT64_FORMAT, rb_run_get_rng_seed (run));
    }
  set_value (self->seed_value, seed != NULL ? seed : "—");
}

/*
 * Series
 */

/* Chart order, and the chart's property for each metric. */
static const RbMetric metric_order[] = {
  RB_METRIC_ARRIVALS, RB_METRIC_SERVED, RB_METRIC_QUEUE_DEPTH,
  RB_METRIC_ERRORS, RB_METRIC_CAPACITY, RB_METRIC_EXTERNAL_DEMAND,
};

static const char * const metric_properties[RB_N_METRICS] = {
  [RB_METRIC_ARRIVALS] = "show-arrivals",
  [RB_METRIC_SERVED] = "show-served",
  [RB_METRIC_ERRORS] = "show-errors",
  [RB_METRIC_EXTERNAL_DEMAND] = "show-external-demand",
  [RB_METRIC_QUEUE_DEPTH] = "show-queue-depth",
  [RB_METRIC_CAPACITY] = "show-capacity",
};

typedef struct
{
  RbRunDetail *self;   /* owned */
  guint        generation;
  RbMetric     metric;
  gboolean     overlay;
} SeriesLoad;

static void
series_load_free (SeriesLoad *load)
{
  g_clear_object (&load->self);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeriesLoad, series_load_free)

/* The bin size in minutes, 0 when unknown or not whole minutes. */
static guint
bin_size_minutes (RbRun *run)
{
  const char *unit = rb_run_get_bin_unit (run);
  guint size = rb_run_get_bin_size (run);
  guint factor;

  if (unit == NULL)
    return 0;
  if (g_str_has_prefix (unit, "min"))
    factor = 1;
  else if (g_str_has_prefix (unit, "hour") || g_str_equal (unit, "h"))
    factor = 60;
  else if (g_str_has_prefix (unit, "day") || g_str_equal (unit, "d"))
    factor = 60 * 24;
  else if (g_str_has_prefix (unit, "week") || g_str_equal (unit, "w"))
    factor = 60 * 24 * 7;
  else
    return 0;

  if (size > G_MAXUINT / factor)
    return 0;

  return size * factor;
}

static const RbTopologyNode *
find_node (RbRun      *run,
           const char *node_id)
{
  GPtrArray *topology = run != NULL ? rb_run_get_topology (run) : NULL;

  if (topology == NULL || node_id == NULL)
    return NULL;

  for (guint i = 0; i < topology->len; i++)
    {
      const RbTopologyNode *node = g_ptr_array_index (topology, i);

      if (g_strcmp0 (node->id, node_id) == 0)
        return node;
    }

  return NULL;
}

static const char *
selected_node_id (RbRunDetail *self)
{
  guint selected = gtk_drop_down_get_selected (self->node_dropdown);

  if (selected == GTK_INVALID_LIST_POSITION)
    return NULL;

  return gtk_string_list_get_string (self->nodes, selected);
}

static void
update_metric_colors (RbRunDetail *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      g_autofree char *markup = NULL;
      GdkRGBA color;

      rb_series_chart_get_metric_color (m, dark, &color);
      markup = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span>",
                                (guint) (color.red * 255 + 0.5),
                                (guint) (color.green * 255 + 0.5),
                                (guint) (color.blue * 255 + 0.5));
      gtk_label_set_markup (GTK_LABEL (self->metric_dots[m]), markup);
    }
}

static void
on_dark_changed_cb (RbRunDetail     *self,
                    GParamSpec      *pspec,
                    AdwStyleManager *manager)
{
  update_metric_colors (self);
}

static void
series_load_done (RbRunDetail *self)
{
  g_assert (self->series_pending > 0);
  self->series_pending--;
}

static void
set_series_problem (RbRunDetail  *self,
                    const GError *error)
{
  /* Translators: %s says which series file could not be read and why */
  g_autofree char *text = g_strdup_printf (_("Some series could not be read: %s"), error->message);

  gtk_label_set_label (self->series_caption, text);
  gtk_widget_set_visible (GTK_WIDGET (self->series_caption), TRUE);
}

static void
read_series_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SeriesLoad) load = user_data;
  RbRunDetail *self = load->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(RbSeries) values = NULL;
  g_autoptr(GError) error = NULL;

  bytes = rb_backend_read_series_finish (RB_BACKEND (object), result, &values, &error);

  if (load->generation != self->series_generation)
    return;   /* an older node or run */

  series_load_done (self);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_series_problem (self, error);
      return;
    }

  if (values == NULL)
    return;

  if (load->overlay)
    rb_series_chart_set_overlay_series (self->series_chart, load->metric, values->values, values->n_bins);
  else
    rb_series_chart_set_series (self->series_chart, load->metric, values->values, values->n_bins);
}

static void
read_node_series (RbRunDetail          *self,
                  RbRun                *run,
                  const RbTopologyNode *node,
                  gboolean              overlay)
{
  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      SeriesLoad *load;

      if (node->metrics[m] == NULL)
        continue;

      load = g_new0 (SeriesLoad, 1);
      load->self = g_object_ref (self);
      load->generation = self->series_generation;
      load->metric = m;
      load->overlay = overlay;
      self->series_pending++;
      rb_backend_read_series_async (self->backend, rb_run_get_run_id (run), node->metrics[m],
                                    self->series_cancellable, read_series_cb, load);
    }
}

/* The toggles of the metrics the node (or its source node) has. */
static void
update_metric_toggles (RbRunDetail          *self,
                       const RbTopologyNode *node,
                       const RbTopologyNode *source_node)
{
  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      gboolean bound = (node != NULL && node->metrics[m] != NULL) ||
                       (source_node != NULL && source_node->metrics[m] != NULL);

      gtk_widget_set_visible (gtk_widget_get_parent (self->metric_toggles[m]), bound);
    }
}

static void
update_caption (RbRunDetail *self)
{
  const char *source_id = self->run != NULL ? rb_run_get_source_run_id (self->run) : NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *text = NULL;

  if (source_id == NULL || self->source_run == NULL ||
      find_node (self->source_run, selected_node_id (self)) == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->series_caption), FALSE);
      return;
    }

  short_id = rb_format_short_run_id (source_id);
  /* Translators: %s is a (short) run id */
  text = g_strdup_printf (_("Dashed lines: the source run %s"), short_id);
  gtk_label_set_label (self->series_caption, text);
  gtk_widget_set_visible (GTK_WIDGET (self->series_caption), TRUE);
}

/* (Re)reads the selected node's series, and its overlay when the source
 * run is known. */
static void
load_selected_node (RbRunDetail *self)
{
  const RbTopologyNode *node;
  const RbTopologyNode *source_node;
  RbRun *run = self->run;

  g_cancellable_cancel (self->series_cancellable);
  g_clear_object (&self->series_cancellable);
  self->series_generation++;
  self->series_pending = 0;

  rb_series_chart_clear (self->series_chart);
  if (run == NULL)
    return;

  if (rb_run_get_has_grid (run))
    rb_series_chart_set_grid (self->series_chart, rb_run_get_bins (run), bin_size_minutes (run), 0);

  node = find_node (run, selected_node_id (self));
  source_node = find_node (self->source_run, selected_node_id (self));
  update_metric_toggles (self, node, source_node);
  update_caption (self);

  if (self->backend == NULL || node == NULL)
    return;

  self->series_cancellable = g_cancellable_new ();
  read_node_series (self, run, node, FALSE);
  if (source_node != NULL)
    read_node_series (self, self->source_run, source_node, TRUE);
}

static void
get_source_run_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RbRunDetail) self = user_data;
  g_autoptr(RbRun) source = NULL;
  g_autoptr(GError) error = NULL;

  source = rb_backend_get_run_finish (RB_BACKEND (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->source_pending = FALSE;
  if (source == NULL || self->run == NULL ||
      g_strcmp0 (rb_run_get_run_id (source), rb_run_get_source_run_id (self->run)) != 0)
    return;   /* no overlay: the source run is gone or unreadable */

  g_set_object (&self->source_run, source);
  load_selected_node (self);
}

static void
on_node_selected_cb (RbRunDetail *self,
                     GParamSpec  *pspec,
                     GtkDropDown *dropdown)
{
  load_selected_node (self);
}

static void
cancel_series (RbRunDetail *self)
{
  g_cancellable_cancel (self->series_cancellable);
  g_clear_object (&self->series_cancellable);
  g_cancellable_cancel (self->source_cancellable);
  g_clear_object (&self->source_cancellable);
  self->series_generation++;
  self->series_pending = 0;
  self->source_pending = FALSE;
}

static void
fill_series (RbRunDetail *self,
             RbRun       *run)
{
  GPtrArray *topology = rb_run_get_topology (run);
  const char *source_id = rb_run_get_source_run_id (run);
  g_autofree char *previous = g_strdup (selected_node_id (self));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  guint selected = 0;
  guint n = topology != NULL ? topology->len : 0;

  cancel_series (self);
  if (self->source_run != NULL &&
      g_strcmp0 (rb_run_get_run_id (self->source_run), source_id) != 0)
    g_clear_object (&self->source_run);

  for (guint i = 0; i < n; i++)
    {
      const RbTopologyNode *node = g_ptr_array_index (topology, i);

      g_strv_builder_add (builder, node->id);
      if (previous != NULL && g_strcmp0 (node->id, previous) == 0)
        selected = i;
    }
  ids = g_strv_builder_end (builder);

  /* Keep the node when the new run has it too (a replay and its source). */
  g_signal_handlers_block_by_func (self->node_dropdown, on_node_selected_cb, self);
  gtk_string_list_splice (self->nodes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->nodes)),
                          (const char * const *) ids);
  gtk_drop_down_set_selected (self->node_dropdown, n > 0 ? selected : GTK_INVALID_LIST_POSITION);
  g_signal_handlers_unblock_by_func (self->node_dropdown, on_node_selected_cb, self);

  gtk_widget_set_visible (GTK_WIDGET (self->node_dropdown), n > 0);
  gtk_widget_set_visible (self->series_box, n > 0);
  adw_preferences_group_set_description (self->series_group,
                                         n == 0 ? _("This run has no topology, so there are no series to chart.") : NULL);

  if (n > 0 && source_id != NULL && self->source_run == NULL && self->backend != NULL)
    {
      self->source_cancellable = g_cancellable_new ();
      self->source_pending = TRUE;
      rb_backend_get_run_async (self->backend, source_id, self->source_cancellable,
                                get_source_run_cb, g_object_ref (self));
    }

  load_selected_node (self);
}

static void
build_metric_toggles (RbRunDetail *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (metric_order); i++)
    {
      RbMetric m = metric_order[i];
      const char *label = rb_series_chart_metric_label (m);
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *child;
      /* Translators: tooltip of a chart legend toggle, %s is a metric */
      g_autofree char *tooltip = g_strdup_printf (_("Show %s"), label);

      self->metric_dots[m] = gtk_label_new (NULL);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->metric_dots[m]),
                                   GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      gtk_box_append (GTK_BOX (box), self->metric_dots[m]);
      gtk_box_append (GTK_BOX (box), gtk_label_new (label));
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "metric-toggle");
      g_object_bind_property (self->series_chart, metric_properties[m], button, "active",
                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
      self->metric_toggles[m] = button;

      gtk_flow_box_append (self->metric_box, button);
      child = gtk_widget_get_parent (button);
      gtk_widget_set_focusable (child, FALSE);
    }

  update_metric_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);
}

/* The Actions group follows the run and whether generation is allowed;
 * the actions' sensitivity itself belongs to the window (win.*). */
static void
update_actions (RbRunDetail *self)
{
  const RbTelemetrySummary *telemetry = NULL;
  gboolean available = FALSE;
  gboolean simulation = FALSE;
  const char *why = NULL;

  if (self->run != NULL)
    {
      telemetry = rb_run_get_telemetry (self->run);
      available = telemetry != NULL && telemetry->available;
      simulation = g_strcmp0 (rb_run_get_mode (self->run), "simulation") == 0;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->generate_row), self->generation_allowed);
  gtk_widget_set_visible (self->generate_first_button,
                          self->generation_allowed && simulation && !available);

  if (available)
    why = NULL;
  else if (self->generation_allowed && simulation)
    why = _("Generate telemetry for this run first");
  else
    why = _("This run has no telemetry bundle");

  gtk_widget_set_tooltip_text (self->replay_telemetry_button, why);
  adw_action_row_set_subtitle (self->replay_telemetry_row,
                               why != NULL ? why : _("A telemetry run bound to this run’s bundle"));
}

/* Status page descriptions are markup; messages are plain text. */
static void
set_description_text (AdwStatusPage *page,
                      const char    *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_status_page_set_description (page, escaped);
}

static void
on_lineage_row_activated_cb (RbRunDetail  *self,
                             AdwActionRow *row)
{
  if (self->run != NULL && rb_run_get_source_run_id (self->run) != NULL)
    g_signal_emit (self, signals[SELECT_RUN], 0, rb_run_get_source_run_id (self->run));
}

static void
copy_run_id_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  RbRunDetail *self = RB_RUN_DETAIL (widget);

  if (self->run == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), rb_run_get_run_id (self->run));
  gtk_widget_activate_action (widget, "win.toast", "s", _("Run ID copied"));
}

static void
rb_run_detail_dispose (GObject *object)
{
  RbRunDetail *self = (RbRunDetail *)object;

  cancel_series (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_RUN_DETAIL);
  g_clear_object (&self->run);
  g_clear_object (&self->source_run);
  g_clear_object (&self->backend);
  g_clear_object (&self->nodes);

  G_OBJECT_CLASS (rb_run_detail_parent_class)->dispose (object);
}

static void
rb_run_detail_finalize (GObject *object)
{
  RbRunDetail *self = (RbRunDetail *)object;

  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_run_detail_parent_class)->finalize (object);
}

static void
rb_run_detail_class_init (RbRunDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_run_detail_dispose;
  object_class->finalize = rb_run_detail_finalize;

  /**
   * RbRunDetail::select-run:
   * @run_id: the run to show
   *
   * The user followed a link to another run (a replay's source).
   */
  signals[SELECT_RUN] =
    g_signal_new ("select-run",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (RB_TYPE_SERIES_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/runboard/Runboard/ui/rb-run-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, problem_page);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, version_label);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, lineage_group);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, lineage_row);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, run_id_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, template_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, created_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, mode_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, grid_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, seed_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, parameters_group);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, telemetry_available_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, telemetry_generated_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, telemetry_warnings_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, telemetry_source_value);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, generate_row);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, replay_telemetry_row);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, generate_first_button);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, replay_telemetry_button);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, series_group);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, node_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, series_box);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, metric_box);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, series_chart);
  gtk_widget_class_bind_template_child (widget_class, RbRunDetail, series_caption);
  gtk_widget_class_bind_template_callback (widget_class, on_lineage_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_node_selected_cb);

  gtk_widget_class_install_action (widget_class, "detail.copy-run-id", NULL, copy_run_id_action);
}

static void
rb_run_detail_init (RbRunDetail *self)
{
  self->dynamic_rows = g_ptr_array_new ();
  self->generation_allowed = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->nodes = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->node_dropdown, G_LIST_MODEL (self->nodes));
  build_metric_toggles (self);

  update_actions (self);
}

GtkWidget *
rb_run_detail_new (void)
{
  return g_object_new (RB_TYPE_RUN_DETAIL, NULL);
}

void
rb_run_detail_show_empty (RbRunDetail *self)
{
  g_return_if_fail (RB_IS_RUN_DETAIL (self));

  g_clear_object (&self->run);
  cancel_series (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
rb_run_detail_show_loading (RbRunDetail *self)
{
  g_return_if_fail (RB_IS_RUN_DETAIL (self));

  g_clear_object (&self->run);
  cancel_series (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

void
rb_run_detail_show_run (RbRunDetail *self,
                        RbRun       *run)
{
  g_return_if_fail (RB_IS_RUN_DETAIL (self));
  g_return_if_fail (RB_IS_RUN (run));

  if (rb_run_get_diagnostic (run) != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (RB_ERROR, RB_ERROR_RUN_UNREADABLE,
                                                     rb_run_get_diagnostic (run));

      rb_run_detail_show_error (self, rb_run_get_run_id (run), error);
      return;
    }

  g_set_object (&self->run, run);

  clear_dynamic_rows (self);
  fill_summary (self, run);
  fill_lineage (self, run);
  fill_parameters (self, run);
  fill_telemetry (self, run);
  fill_warnings (self, run);
  fill_series (self, run);
  update_actions (self);

  gtk_stack_set_visible_child_name (self->stack, "run");
}

void
rb_run_detail_show_error (RbRunDetail  *self,
                          const char   *run_id,
                          const GError *error)
{
  g_return_if_fail (RB_IS_RUN_DETAIL (self));
  g_return_if_fail (error != NULL);

  g_clear_object (&self->run);
  cancel_series (self);

  if (g_error_matches (error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      adw_status_page_set_icon_name (self->problem_page, "edit-find-symbolic");
      adw_status_page_set_title (self->problem_page, _("Run Not Found"));
      adw_status_page_set_description (self->problem_page,
                                       _("This run is no longer in the data folder. It may have been deleted."));
    }
  else if (g_error_matches (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE))
    {
      adw_status_page_set_icon_name (self->problem_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->problem_page, _("Can't Read This Run"));
      set_description_text (self->problem_page, error->message);
    }
  else
    {
      adw_status_page_set_icon_name (self->problem_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->problem_page, _("Can't Load This Run"));
      set_description_text (self->problem_page, error->message);
    }

  gtk_stack_set_visible_child_name (self->stack, "problem");
}

RbRun *
rb_run_detail_get_run (RbRunDetail *self)
{
  g_return_val_if_fail (RB_IS_RUN_DETAIL (self), NULL);

  return self->run;
}

const char *
rb_run_detail_get_state (RbRunDetail *self)
{
  g_return_val_if_fail (RB_IS_RUN_DETAIL (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
rb_run_detail_set_generation_allowed (RbRunDetail *self,
                                      gboolean     allowed)
{
  g_return_if_fail (RB_IS_RUN_DETAIL (self));

  allowed = !!allowed;
  if (self->generation_allowed == allowed)
    return;

  self->generation_allowed = allowed;
  update_actions (self);
}

gboolean
rb_run_detail_get_generation_allowed (RbRunDetail *self)
{
  g_return_val_if_fail (RB_IS_RUN_DETAIL (self), FALSE);

  return self->generation_allowed;
}

void
rb_run_detail_set_backend (RbRunDetail *self,
                           RbBackend   *backend)
{
  g_return_if_fail (RB_IS_RUN_DETAIL (self));
  g_return_if_fail (backend == NULL || RB_IS_BACKEND (backend));

  if (self->backend == backend)
    return;

  cancel_series (self);
  g_clear_object (&self->source_run);
  g_set_object (&self->backend, backend);
  if (self->run != NULL)
    fill_series (self, self->run);
}

gboolean
rb_run_detail_get_series_loading (RbRunDetail *self)
{
  g_return_val_if_fail (RB_IS_RUN_DETAIL (self), FALSE);

  return self->series_pending > 0 || self->source_pending;
}
