/* rb-new-run-dialog.c — create (or preview) a run from a template
 *
 * The form is generated from the selected template's parameters: spin
 * buttons for integers (0 digits) and numbers, honouring minimum and
 * maximum; switches for booleans; entries for strings; an entry taking a
 * JSON array for arrays, checked as it is typed. Preview sends the api.md
 * POST /v1/runs body with options.dryRun and shows the plan; Run sends it
 * for real, emits ::created and closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-new-run-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-format.h"
#include "rb-json.h"
#include "rb-new-run-dialog.h"

/* Bounds for spin buttons of parameters without a minimum or maximum. */
#define UNBOUNDED 1e9

struct _RbNewRunDialog
{
  AdwWindow             parent_instance;

  /* Owned references */
  GCancellable         *cancellable;      /* the dialog's life */
  GCancellable         *template_cancellable;
  GCancellable         *run_cancellable;  /* the request under way */
  RbBackend            *backend;
  RbRun                *source_run;
  RbTemplate           *template;         /* the selected one, with parameters */
  char                 *template_id;      /* the selected one's id */
  GPtrArray            *captures;         /* JsonObject: every bundle */
  GPtrArray            *bundles;          /* JsonObject: those in bundle_list */
  GPtrArray            *param_rows;       /* GtkWidget: rows in params_group */
  GHashTable           *editors;          /* name → GtkWidget (borrowed) */
  JsonObject           *plan;
  char                 *message;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkWidget            *cancel_button;
  GtkWidget            *run_button;
  GtkWidget            *form_box;
  GtkSearchEntry       *search_entry;
  GtkListBox           *template_list;
  GtkLabel             *template_placeholder;
  AdwComboRow          *mode_row;
  AdwComboRow          *bundle_row;
  GtkStringList        *bundle_list;
  AdwEntryRow          *seed_row;
  AdwPreferencesGroup  *params_group;
  GtkLabel             *error_label;
  GtkWidget            *progress_box;
  GtkSpinner           *spinner;
  GtkLabel             *progress_label;
  GtkWidget            *plan_group;
  AdwActionRow         *plan_run_id_row;
  AdwActionRow         *plan_files_row;
  AdwActionRow         *plan_seed_row;
  AdwActionRow         *plan_params_row;

  const char           *state;            /* static string */
  guint                 templates_loaded : 1;
  guint                 dry_run : 1;           /* of the request under way */
};

G_DEFINE_FINAL_TYPE (RbNewRunDialog, rb_new_run_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void validate_form (RbNewRunDialog *self);

/*
 * Helpers
 */

static gboolean
telemetry_mode (RbNewRunDialog *self)
{
  return adw_combo_row_get_selected (self->mode_row) == 1;
}

static void
set_state (RbNewRunDialog *self,
           const char     *state,
           const char     *message)
{
  gboolean running = g_str_equal (state, "running");
  gboolean can_send = g_str_equal (state, "ready") || g_str_equal (state, "preview") ||
                      g_str_equal (state, "error");

  self->state = state;
  if (message != self->message)
    {
      g_free (self->message);
      self->message = g_strdup (message);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.run", can_send);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.preview", can_send);

  gtk_widget_set_visible (self->progress_box, running);
  gtk_spinner_set_spinning (self->spinner, running);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->message != NULL);
  gtk_label_set_label (self->error_label, self->message != NULL ? self->message : "");

  if (!g_str_equal (state, "preview") && !running)
    gtk_widget_set_visible (self->plan_group, FALSE);
}

static char *
describe_bundle (JsonObject *item)
{
  const char *key = rb_json_get_string (item, "captureKey");
  const char *source = rb_json_get_string (item, "sourceRunId");
  g_autofree char *short_source = source != NULL ? rb_format_short_run_id (source) : g_strdup ("?");
  g_autofree char *when = rb_format_timestamp (rb_json_get_string (item, "generatedAtUtc"));
  g_autofree char *name = NULL;

  if (key != NULL)
    name = g_strdup (key);
  else
    /* Translators: a bundle stored with its run; %s is a short run id */
    name = g_strdup_printf (_("Stored with run %s"), short_source);

  if (when != NULL)
    /* Translators: bundle name — from run <short id>, <date> */
    return g_strdup_printf (_("%s — from run %s, %s"), name, short_source, when);

  /* Translators: bundle name — from run <short id> */
  return g_strdup_printf (_("%s — from run %s"), name, short_source);
}

/* The bundles of the selected template, for the telemetry picker. */
static void
update_bundles (RbNewRunDialog *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->bundle_list));

  g_ptr_array_set_size (self->bundles, 0);

  for (guint i = 0; self->captures != NULL && i < self->captures->len; i++)
    {
      JsonObject *item = g_ptr_array_index (self->captures, i);
      const char *template_id = rb_json_get_string (item, "templateId");

      if (self->template_id == NULL || template_id == NULL ||
          g_str_equal (template_id, self->template_id))
        g_ptr_array_add (self->bundles, json_object_ref (item));
    }

  {
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < self->bundles->len; i++)
      g_ptr_array_add (texts, describe_bundle (g_ptr_array_index (self->bundles, i)));
    if (self->bundles->len == 0)
      g_ptr_array_add (texts, g_strdup (_("No telemetry bundle for this template yet")));
    g_ptr_array_add (texts, NULL);

    gtk_string_list_splice (self->bundle_list, 0, n_old, (const char * const *) texts->pdata);
  }

  adw_combo_row_set_selected (self->bundle_row, 0);
}

static void
clear_field_errors (RbNewRunDialog *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->editors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_widget_remove_css_class (value, "error");
}

/*
 * The parameter form
 */

static guint
decimals_of (double value)
{
  guint digits = 0;

  while (digits < 6 && fabs (value * pow (10, digits) - round (value * pow (10, digits))) > 1e-9)
    digits++;

  return digits;
}

static GtkWidget *
make_spin (const RbTemplateParameter *param,
           gboolean                   integer)
{
  double lower = param->has_min ? param->min : -UNBOUNDED;
  double upper = param->has_max ? param->max : UNBOUNDED;
  double value = 0;
  guint digits = 0;
  GtkAdjustment *adjustment;
  GtkWidget *spin;

  if (param->default_value != NULL && JSON_NODE_HOLDS_VALUE (param->default_value))
    value = json_node_get_double (param->default_value);
  value = CLAMP (value, lower, upper);

  if (!integer)
    {
      digits = MAX (2, decimals_of (value));
      if (param->has_min)
        digits = MAX (digits, decimals_of (param->min));
      if (param->has_max)
        digits = MAX (digits, decimals_of (param->max));
    }

  adjustment = gtk_adjustment_new (value, lower, upper,
                                   integer ? 1 : pow (10, -(double) MIN (digits, 2)),
                                   integer ? 10 : 1, 0);
  spin = gtk_spin_button_new (adjustment, 1, digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (spin), GTK_UPDATE_IF_VALID);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);

  return spin;
}

static gboolean
element_matches (JsonNode   *element,
                 const char *type)
{
  GType value_type;

  if (type == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (element))
    return FALSE;

  value_type = json_node_get_value_type (element);
  if (g_str_equal (type, "integer"))
    return value_type == G_TYPE_INT64;
  if (g_str_equal (type, "number"))
    return value_type == G_TYPE_INT64 || value_type == G_TYPE_DOUBLE;
  if (g_str_equal (type, "string"))
    return value_type == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return value_type == G_TYPE_BOOLEAN;

  return TRUE;
}

/* Parses an array editor's text; NULL with @message set when invalid. */
static JsonNode *
parse_array (const RbTemplateParameter  *param,
             const char                 *text,
             char                      **message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, text, -1, &error) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (root))
    {
      *message = g_strdup (_("Not a JSON array: write it like [1, 2, 3]"));
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (!element_matches (json_array_get_element (array, i), param->array_of))
        {
          /* Translators: %u is a position (1-based), %s a type: integer, number… */
          *message = g_strdup_printf (_("Item %u is not of type %s"), i + 1, param->array_of);
          return NULL;
        }
    }

  return json_node_copy (root);
}

/* [1, 2, 3]: each element as JSON, on one line. */
static char *
format_array (JsonNode *node)
{
  g_autoptr(GString) text = g_string_new ("[");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *element = json_to_string (json_array_get_element (array, i), FALSE);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, element);
    }
  g_string_append_c (text, ']');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_array_changed_cb (RbNewRunDialog *self,
                     GtkEditable    *editable)
{
  validate_form (self);
}

static GtkWidget *
make_editor (RbNewRunDialog            *self,
             const RbTemplateParameter *param,
             AdwActionRow              *row)
{
  const char *type = param->type != NULL ? param->type : "string";
  JsonNode *def = param->default_value;
  GtkWidget *editor;

  if (g_str_equal (type, "integer") || g_str_equal (type, "number"))
    {
      editor = make_spin (param, g_str_equal (type, "integer"));
    }
  else if (g_str_equal (type, "boolean"))
    {
      editor = gtk_switch_new ();
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      if (def != NULL && JSON_NODE_HOLDS_VALUE (def) &&
          json_node_get_value_type (def) == G_TYPE_BOOLEAN)
        gtk_switch_set_active (GTK_SWITCH (editor), json_node_get_boolean (def));
      adw_action_row_set_activatable_widget (row, editor);
    }
  else
    {
      g_autofree char *text = NULL;

      editor = gtk_entry_new ();
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      gtk_editable_set_width_chars (GTK_EDITABLE (editor), 18);

      if (g_str_equal (type, "array"))
        {
          text = format_array (def);
          gtk_entry_set_placeholder_text (GTK_ENTRY (editor), "[1, 2, 3]");
          g_signal_connect_object (editor, "changed", G_CALLBACK (on_array_changed_cb),
                                   self, G_CONNECT_SWAPPED);
        }
      else if (def != NULL && JSON_NODE_HOLDS_VALUE (def))
        {
          text = rb_format_json_value (def);
        }
      gtk_editable_set_text (GTK_EDITABLE (editor), text != NULL ? text : "");
    }

  return editor;
}

static void
clear_form (RbNewRunDialog *self)
{
  for (guint i = 0; i < self->param_rows->len; i++)
    adw_preferences_group_remove (self->params_group, g_ptr_array_index (self->param_rows, i));
  g_ptr_array_set_size (self->param_rows, 0);
  g_hash_table_remove_all (self->editors);
}

static void
build_form (RbNewRunDialog *self)
{
  GPtrArray *params = rb_template_get_parameters (self->template);

  clear_form (self);

  for (guint i = 0; params != NULL && i < params->len; i++)
    {
      const RbTemplateParameter *param = g_ptr_array_index (params, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *editor;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     param->title != NULL ? param->title : param->name);
      if (param->description != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), param->description);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

      editor = make_editor (self, param, ADW_ACTION_ROW (row));
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      param->title != NULL ? param->title : param->name,
                                      -1);
      g_object_set_data (G_OBJECT (editor), "rb-parameter", (gpointer) param);
      g_object_set_data (G_OBJECT (editor), "rb-row", row);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), editor);

      adw_preferences_group_add (self->params_group, row);
      g_ptr_array_add (self->param_rows, row);
      g_hash_table_insert (self->editors, g_strdup (param->name), editor);
    }

  adw_preferences_group_set_description (self->params_group,
                                         params == NULL || params->len == 0 ?
                                         _("This template has no parameters.") : NULL);
}

/* Checks what can be checked before sending: array syntax and the seed. */
static void
validate_form (RbNewRunDialog *self)
{
  GPtrArray *params;
  g_autofree char *problem = NULL;
  const char *seed_text;

  if (g_str_equal (self->state, "loading") || g_str_equal (self->state, "running"))
    return;

  params = self->template != NULL ? rb_template_get_parameters (self->template) : NULL;
  for (guint i = 0; params != NULL && i < params->len; i++)
    {
      const RbTemplateParameter *param = g_ptr_array_index (params, i);
      GtkWidget *editor = g_hash_table_lookup (self->editors, param->name);
      AdwActionRow *row;
      g_autoptr(JsonNode) value = NULL;
      g_autofree char *message = NULL;

      if (g_strcmp0 (param->type, "array") != 0 || editor == NULL)
        continue;

      row = g_object_get_data (G_OBJECT (editor), "rb-row");
      value = parse_array (param, gtk_editable_get_text (GTK_EDITABLE (editor)), &message);
      if (value == NULL)
        {
          gtk_widget_add_css_class (editor, "error");
          adw_action_row_set_subtitle (row, message);
          if (problem == NULL)
            /* Translators: %s is a parameter's title, then the problem */
            problem = g_strdup_printf (_("%s: %s"),
                                       param->title != NULL ? param->title : param->name,
                                       message);
        }
      else
        {
          gtk_widget_remove_css_class (editor, "error");
          adw_action_row_set_subtitle (row, param->description != NULL ? param->description : "");
        }
    }

  seed_text = gtk_editable_get_text (GTK_EDITABLE (self->seed_row));
  if (*seed_text != '\0' && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXINT64, NULL, NULL))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->seed_row), "error");
      if (problem == NULL)
        problem = g_strdup (_("The RNG seed must be a whole number, or empty for the template’s seed."));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->seed_row), "error");
    }

  if (problem != NULL)
    set_state (self, "invalid", problem);
  else if (self->template == NULL)
    set_state (self, "invalid", NULL);
  else
    set_state (self, "ready", NULL);
}

/*
 * The request
 */

static JsonNode *
build_request (RbNewRunDialog *self,
               gboolean        dry_run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *params = rb_template_get_parameters (self->template);
  const char *seed_text = gtk_editable_get_text (GTK_EDITABLE (self->seed_row));

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "templateId", rb_template_get_id (self->template));
  rb_json_add_string (builder, "mode", telemetry_mode (self) ? "telemetry" : "simulation");

  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  for (guint i = 0; params != NULL && i < params->len; i++)
    {
      const RbTemplateParameter *param = g_ptr_array_index (params, i);
      GtkWidget *editor = g_hash_table_lookup (self->editors, param->name);
      const char *type = param->type != NULL ? param->type : "string";

      if (editor == NULL)
        continue;

      json_builder_set_member_name (builder, param->name);
      if (g_str_equal (type, "integer"))
        json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor)));
      else if (g_str_equal (type, "number"))
        json_builder_add_double_value (builder, gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor)));
      else if (g_str_equal (type, "boolean"))
        json_builder_add_boolean_value (builder, gtk_switch_get_active (GTK_SWITCH (editor)));
      else if (g_str_equal (type, "array"))
        {
          g_autofree char *message = NULL;
          JsonNode *value = parse_array (param, gtk_editable_get_text (GTK_EDITABLE (editor)), &message);

          json_builder_add_value (builder, value != NULL ? value : json_node_new (JSON_NODE_NULL));
        }
      else
        json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (editor)));
    }
  json_builder_end_object (builder);

  if (*seed_text != '\0')
    {
      json_builder_set_member_name (builder, "rng");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "kind", "pcg32");
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) g_ascii_strtoull (seed_text, NULL, 10));
      json_builder_end_object (builder);
    }

  if (telemetry_mode (self))
    {
      guint selected = adw_combo_row_get_selected (self->bundle_row);
      JsonObject *bundle = selected < self->bundles->len ? g_ptr_array_index (self->bundles, selected) : NULL;
      const char *key = NULL;
      const char *source_run_id = NULL;

      if (bundle != NULL)
        {
          key = rb_json_get_string (bundle, "captureKey");
          if (key == NULL)
            source_run_id = rb_json_get_string (bundle, "sourceRunId");
        }
      /* No bundle to pick: ask for the selected run's, else the template's
       * shared key, and let the backend say what is missing. */
      else if (self->source_run != NULL &&
               g_strcmp0 (rb_run_get_template_id (self->source_run), self->template_id) == 0)
        source_run_id = rb_run_get_run_id (self->source_run);
      else if (rb_template_get_capture_key (self->template) != NULL)
        key = rb_template_get_capture_key (self->template);
      else if (self->source_run != NULL)
        source_run_id = rb_run_get_run_id (self->source_run);

      json_builder_set_member_name (builder, "telemetry");
      json_builder_begin_object (builder);
      if (key != NULL)
        rb_json_add_string (builder, "captureKey", key);
      else if (source_run_id != NULL)
        rb_json_add_string (builder, "sourceRunId", source_run_id);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dryRun");
  json_builder_add_boolean_value (builder, dry_run);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
describe_error (RbNewRunDialog *self,
                const GError   *error)
{
  if (g_error_matches (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_MISSING))
    /* Translators: %s is the backend's message; the rest is the hint */
    return g_strdup_printf (_("%s\nGenerate telemetry from a run first (select a simulation run, then Generate Telemetry…)."),
                            error->message);
  if (g_error_matches (error, RB_ERROR, RB_ERROR_UNREACHABLE))
    return g_strdup_printf (_("Can’t reach the server. %s"), error->message);

  return g_strdup (error->message);
}

/* Marks the parameter a 400 names (field "parameters.<name>"). */
static void
mark_field (RbNewRunDialog *self,
            const GError   *error)
{
  const char *field = error->domain == RB_ERROR ? rb_error_get_field (error) : NULL;
  GtkWidget *editor;

  if (field == NULL || !g_str_has_prefix (field, "parameters."))
    return;

  editor = g_hash_table_lookup (self->editors, field + strlen ("parameters."));
  if (editor != NULL)
    gtk_widget_add_css_class (editor, "error");
}

static void
show_plan (RbNewRunDialog *self,
           JsonObject     *plan)
{
  JsonArray *files = rb_json_get_array (plan, "files");
  JsonObject *parameters = rb_json_get_object (plan, "parameters");
  JsonNode *seed = plan != NULL ? json_object_get_member (plan, "seed") : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *files_text = NULL;
  g_autofree char *seed_text = NULL;

  g_clear_pointer (&self->plan, json_object_unref);
  self->plan = json_object_ref (plan);

  adw_action_row_set_subtitle (self->plan_run_id_row, rb_json_get_string (plan, "runId"));
  files_text = g_strdup_printf (ngettext ("%u file", "%u files",
                                          files != NULL ? json_array_get_length (files) : 0),
                                files != NULL ? json_array_get_length (files) : 0);
  adw_action_row_set_subtitle (self->plan_files_row, files_text);
  seed_text = seed != NULL ? rb_format_json_value (seed) : g_strdup (_("Unknown"));
  adw_action_row_set_subtitle (self->plan_seed_row, seed_text);

  if (parameters != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (parameters);

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *value = rb_format_json_value (json_object_get_member (parameters, l->data));

          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append_printf (text, "%s = %s", (const char *) l->data, value);
        }
    }
  adw_action_row_set_subtitle (self->plan_params_row, text->len > 0 ? text->str : _("None"));

  gtk_widget_set_visible (self->plan_group, TRUE);
}

static void
create_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RbNewRunDialog) self = user_data;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = self->dry_run;
  JsonObject *object_body = NULL;
  guint status = 0;

  body = rb_backend_create_run_finish (RB_BACKEND (object), result, &status, &error);

  /* The dialog was closed meanwhile: its widgets are gone. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  g_clear_object (&self->run_cancellable);
  gtk_widget_set_sensitive (self->form_box, TRUE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, "error", _("Cancelled."));
      return;
    }

  if (error != NULL)
    {
      g_autofree char *text = describe_error (self, error);

      mark_field (self, error);
      set_state (self, "error", text);
      return;
    }

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    object_body = json_node_get_object (body);

  if (rb_json_get_object (object_body, "plan") != NULL)
    {
      set_state (self, "preview", NULL);
      show_plan (self, rb_json_get_object (object_body, "plan"));
      return;
    }

  if (dry_run || rb_json_get_string (object_body, "runId") == NULL)
    {
      set_state (self, "error", _("The answer had no run in it."));
      return;
    }

  set_state (self, "ready", NULL);
  g_signal_emit (self, signals[CREATED], 0, rb_json_get_string (object_body, "runId"));
  gtk_window_close (GTK_WINDOW (self));
}

static void
send_request (RbNewRunDialog *self,
              gboolean        dry_run)
{
  g_autoptr(JsonNode) request = NULL;
  validate_form (self);
  if (self->template == NULL || g_str_equal (self->state, "invalid") ||
      g_str_equal (self->state, "running") || g_str_equal (self->state, "loading"))
    return;

  clear_field_errors (self);
  request = build_request (self, dry_run);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();

  gtk_widget_grab_focus (self->cancel_button);
  gtk_widget_set_sensitive (self->form_box, FALSE);
  gtk_label_set_label (self->progress_label, dry_run ? _("Planning the run…") : _("Creating the run…"));
  set_state (self, "running", NULL);

  self->dry_run = dry_run;
  rb_backend_create_run_async (self->backend, request, self->run_cancellable,
                               create_run_cb, g_object_ref (self));
}

/*
 * Loading
 */

static void
get_template_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RbNewRunDialog) self = user_data;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  template = rb_backend_get_template_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_autofree char *text = describe_error (self, error);

      clear_form (self);
      set_state (self, "invalid", text);
      return;
    }

  g_set_object (&self->template, template);
  build_form (self);
  self->state = "ready";
  validate_form (self);
}

static void
on_template_selected_cb (RbNewRunDialog *self,
                         GtkListBoxRow  *row,
                         GtkListBox     *list)
{
  const char *template_id = row != NULL ? g_object_get_data (G_OBJECT (row), "rb-template-id") : NULL;

  if (template_id == NULL || g_strcmp0 (template_id, self->template_id) == 0)
    return;

  g_free (self->template_id);
  self->template_id = g_strdup (template_id);
  g_clear_object (&self->template);
  clear_form (self);
  update_bundles (self);

  g_cancellable_cancel (self->template_cancellable);
  g_clear_object (&self->template_cancellable);
  self->template_cancellable = g_cancellable_new ();

  set_state (self, "loading", NULL);
  rb_backend_get_template_async (self->backend, template_id, self->template_cancellable,
                                 get_template_cb, g_object_ref (self));
}

static GtkWidget *
make_template_row (RbTemplate *template)
{
  GtkWidget *row = adw_action_row_new ();
  const char * const *tags = rb_template_get_tags (template);
  const char *title = rb_template_get_title (template);
  const char *description = rb_template_get_description (template);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  /* Translators: the version of a template, e.g. "Version 1.0.0" */
  g_string_append_printf (subtitle, _("Version %s"),
                          rb_template_get_version (template) != NULL ? rb_template_get_version (template) : "?");
  if (description != NULL && *description != '\0')
    g_string_append_printf (subtitle, " · %s", description);
  if (tags != NULL && tags[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) tags);

      g_string_append_c (subtitle, '\n');
      /* Translators: %s is a comma-separated list of tags */
      g_string_append_printf (subtitle, _("Tags: %s"), joined);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 title != NULL && *title != '\0' ? title : rb_template_get_id (template));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  g_object_set_data_full (G_OBJECT (row), "rb-template-id",
                          g_strdup (rb_template_get_id (template)), g_free);
  g_object_set_data_full (G_OBJECT (row), "rb-search",
                          g_utf8_casefold (g_strconcat (rb_template_get_id (template), "\n",
                                                        title != NULL ? title : "", NULL), -1),
                          g_free);

  return row;
}

static void
list_templates_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RbNewRunDialog) self = user_data;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GError) error = NULL;
  const char *preferred = NULL;

  templates = rb_backend_list_templates_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->templates_loaded = TRUE;

  if (error != NULL)
    {
      g_autofree char *text = describe_error (self, error);

      gtk_label_set_label (self->template_placeholder, _("No templates could be read."));
      set_state (self, "invalid", text);
      return;
    }

  gtk_label_set_label (self->template_placeholder, _("No template matches the search."));
  for (guint i = 0; i < templates->len; i++)
    gtk_list_box_append (self->template_list, make_template_row (g_ptr_array_index (templates, i)));

  if (self->source_run != NULL)
    preferred = rb_run_get_template_id (self->source_run);
  if (preferred == NULL || !rb_new_run_dialog_select_template (self, preferred))
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->template_list, 0);

      if (first != NULL)
        gtk_list_box_select_row (self->template_list, first);
      else
        set_state (self, "invalid", _("There are no templates to run."));
    }
}

static void
list_captures_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RbNewRunDialog) self = user_data;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items = NULL;

  body = rb_backend_list_captures_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    g_debug ("No telemetry bundles listed: %s", error->message);

  g_ptr_array_set_size (self->captures, 0);
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    items = rb_json_get_array (json_node_get_object (body), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (item != NULL)
        g_ptr_array_add (self->captures, json_object_ref (item));
    }

  update_bundles (self);
}

/*
 * Callbacks and actions
 */

static gboolean
filter_template_row (GtkListBoxRow *row,
                     gpointer       user_data)
{
  RbNewRunDialog *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  const char *haystack = g_object_get_data (G_OBJECT (row), "rb-search");
  g_autofree char *needle = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);

  return haystack != NULL && strstr (haystack, needle) != NULL;
}

static void
on_search_changed_cb (RbNewRunDialog *self,
                      GtkSearchEntry *entry)
{
  gtk_list_box_invalidate_filter (self->template_list);
}

static void
on_mode_changed_cb (RbNewRunDialog *self,
                    GParamSpec     *pspec,
                    AdwComboRow    *row)
{
  gtk_widget_set_visible (GTK_WIDGET (self->bundle_row), telemetry_mode (self));
  if (!g_str_equal (self->state, "loading") && !g_str_equal (self->state, "running"))
    {
      set_state (self, self->state, NULL);
      validate_form (self);
    }
}

static void
on_form_changed_cb (RbNewRunDialog *self)
{
  validate_form (self);
}

static void
on_cancel_clicked_cb (RbNewRunDialog *self,
                      GtkButton      *button)
{
  if (g_str_equal (self->state, "running"))
    {
      g_cancellable_cancel (self->run_cancellable);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  send_request (RB_NEW_RUN_DIALOG (widget), FALSE);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  send_request (RB_NEW_RUN_DIALOG (widget), TRUE);
}

/*
 * GObject
 */

static void
rb_new_run_dialog_dispose (GObject *object)
{
  RbNewRunDialog *self = (RbNewRunDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->template_cancellable);
  g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->backend);
  g_clear_object (&self->source_run);

  G_OBJECT_CLASS (rb_new_run_dialog_parent_class)->dispose (object);
}

static void
rb_new_run_dialog_finalize (GObject *object)
{
  RbNewRunDialog *self = (RbNewRunDialog *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->template_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->template);
  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->captures, g_ptr_array_unref);
  g_clear_pointer (&self->bundles, g_ptr_array_unref);
  g_clear_pointer (&self->param_rows, g_ptr_array_unref);
  g_clear_pointer (&self->editors, g_hash_table_unref);
  g_clear_pointer (&self->plan, json_object_unref);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (rb_new_run_dialog_parent_class)->finalize (object);
}

static void
rb_new_run_dialog_class_init (RbNewRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_new_run_dialog_dispose;
  object_class->finalize = rb_new_run_dialog_finalize;

  /**
   * RbNewRunDialog::created:
   * @run_id: the new run's id
   *
   * A run was created; the dialog closes right after.
   */
  signals[CREATED] =
    g_signal_new ("created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/runboard/Runboard/ui/rb-new-run-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, template_list);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, template_placeholder);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, bundle_row);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, bundle_list);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, seed_row);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, params_group);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, plan_group);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, plan_run_id_row);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, plan_files_row);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, plan_seed_row);
  gtk_widget_class_bind_template_child (widget_class, RbNewRunDialog, plan_params_row);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_template_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);

  gtk_widget_class_install_action (widget_class, "dialog.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "dialog.preview", NULL, preview_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rb_new_run_dialog_init (RbNewRunDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->bundles = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->param_rows = g_ptr_array_new ();
  self->editors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->state = "loading";

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->template_list, filter_template_row, self, NULL);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->run_button);
  update_bundles (self);
  set_state (self, "loading", NULL);
}

RbNewRunDialog *
rb_new_run_dialog_new (GtkWindow *parent,
                       RbBackend *backend,
                       RbRun     *source_run)
{
  RbNewRunDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (RB_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (!source_run || RB_IS_RUN (source_run), NULL);

  self = g_object_new (RB_TYPE_NEW_RUN_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->backend = g_object_ref (backend);
  if (source_run != NULL)
    self->source_run = g_object_ref (source_run);

  adw_window_title_set_subtitle (self->window_title, rb_backend_get_display_name (backend));

  rb_backend_list_templates_async (backend, self->cancellable, list_templates_cb, g_object_ref (self));
  rb_backend_list_captures_async (backend, self->cancellable, list_captures_cb, g_object_ref (self));

  return self;
}

const char *
rb_new_run_dialog_get_state (RbNewRunDialog *self)
{
  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), NULL);

  if (!self->templates_loaded)
    return "loading";

  return self->state;
}

const char *
rb_new_run_dialog_get_message (RbNewRunDialog *self)
{
  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), NULL);

  return self->message;
}

gboolean
rb_new_run_dialog_select_template (RbNewRunDialog *self,
                                   const char     *template_id)
{
  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), FALSE);
  g_return_val_if_fail (template_id != NULL, FALSE);

  for (int i = 0; ; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->template_list, i);

      if (row == NULL)
        return FALSE;

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "rb-template-id"), template_id) == 0)
        {
          gtk_list_box_select_row (self->template_list, row);
          return TRUE;
        }
    }
}

const char *
rb_new_run_dialog_get_template_id (RbNewRunDialog *self)
{
  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), NULL);

  return self->template_id;
}

void
rb_new_run_dialog_set_mode (RbNewRunDialog *self,
                            const char     *mode)
{
  g_return_if_fail (RB_IS_NEW_RUN_DIALOG (self));

  adw_combo_row_set_selected (self->mode_row, g_strcmp0 (mode, "telemetry") == 0 ? 1 : 0);
}

GtkWidget *
rb_new_run_dialog_get_parameter_widget (RbNewRunDialog *self,
                                        const char     *name)
{
  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), NULL);

  return g_hash_table_lookup (self->editors, name);
}

GStrv
rb_new_run_dialog_get_parameter_names (RbNewRunDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GPtrArray *params;

  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), NULL);

  params = self->template != NULL ? rb_template_get_parameters (self->template) : NULL;
  for (guint i = 0; params != NULL && i < params->len; i++)
    {
      const RbTemplateParameter *param = g_ptr_array_index (params, i);

      if (g_hash_table_contains (self->editors, param->name))
        g_strv_builder_add (builder, param->name);
    }

  return g_strv_builder_end (builder);
}

JsonObject *
rb_new_run_dialog_get_plan (RbNewRunDialog *self)
{
  g_return_val_if_fail (RB_IS_NEW_RUN_DIALOG (self), NULL);

  return self->plan;
}
