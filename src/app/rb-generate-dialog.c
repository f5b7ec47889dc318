/* rb-generate-dialog.c — Generate Telemetry for one run
 *
 * Sends the api.md POST /v1/telemetry/captures body through the backend:
 * an empty capture key means "store with this run" (runScoped). A 409
 * answer is not an error: the dialog explains that a bundle with that key
 * exists and offers Overwrite or another key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-generate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "rb-error.h"
#include "rb-format.h"
#include "rb-generate-dialog.h"
#include "rb-json.h"

struct _RbGenerateDialog
{
  AdwWindow             parent_instance;

  /* Owned references */
  GCancellable         *cancellable;     /* the dialog's life */
  GCancellable         *run_cancellable; /* the generation under way */
  RbBackend            *backend;
  RbRun                *run;
  char                 *message;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkWidget            *cancel_button;
  GtkWidget            *generate_button;
  GtkWidget            *form_group;
  AdwEntryRow          *key_row;
  GtkSwitch            *overwrite_switch;
  GtkWidget            *conflict_box;
  GtkLabel             *conflict_label;
  GtkWidget            *overwrite_button;
  GtkWidget            *progress_box;
  GtkSpinner           *spinner;
  GtkLabel             *error_label;

  const char           *state;           /* static string */
  guint                 key_edited : 1;
  guint                 setting_key : 1;
};

G_DEFINE_FINAL_TYPE (RbGenerateDialog, rb_generate_dialog, ADW_TYPE_WINDOW)

enum {
  GENERATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/*
 * Helpers
 */

static void
set_state (RbGenerateDialog *self,
           const char       *state,
           const char       *message)
{
  gboolean running = g_str_equal (state, "running");
  gboolean conflict = g_str_equal (state, "conflict");
  gboolean error = g_str_equal (state, "error");

  self->state = state;
  g_free (self->message);
  self->message = g_strdup (message);

  /* Focus leaves the form before it turns insensitive (an insensitive
   * entry would keep blinking a cursor it no longer owns). */
  if (running)
    gtk_widget_grab_focus (self->cancel_button);
  gtk_widget_set_sensitive (self->form_group, !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.generate", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.overwrite", conflict);

  gtk_widget_set_visible (self->progress_box, running);
  gtk_spinner_set_spinning (self->spinner, running);

  gtk_widget_set_visible (self->conflict_box, conflict);
  if (conflict)
    gtk_label_set_label (self->conflict_label, message);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error);
  if (error)
    gtk_label_set_label (self->error_label, message);
}

static JsonNode *
build_request (RbGenerateDialog *self,
               gboolean          overwrite)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row))));
  gboolean run_scoped = *key == '\0';

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "type", "run");
  rb_json_add_string (builder, "runId", rb_run_get_run_id (self->run));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "output");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "captureKey", run_scoped ? NULL : key);
  json_builder_set_member_name (builder, "runScoped");
  json_builder_add_boolean_value (builder, run_scoped);
  rb_json_add_string (builder, "directory", NULL);
  json_builder_set_member_name (builder, "overwrite");
  json_builder_add_boolean_value (builder, overwrite);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "gapFill", "none");
  json_builder_set_member_name (builder, "dryRun");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
describe_conflict (JsonObject *capture)
{
  const char *key = capture != NULL ? rb_json_get_string (capture, "captureKey") : NULL;
  const char *generated_at = capture != NULL ? rb_json_get_string (capture, "generatedAtUtc") : NULL;
  const char *source = capture != NULL ? rb_json_get_string (capture, "sourceRunId") : NULL;
  g_autofree char *when = rb_format_timestamp (generated_at);
  g_autofree char *short_source = source != NULL ? rb_format_short_run_id (source) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (key != NULL)
    /* Translators: %s is a capture key */
    g_string_append_printf (text, _("A telemetry bundle with the key “%s” already exists."), key);
  else
    g_string_append (text, _("This run already has its own telemetry bundle."));

  if (when != NULL && short_source != NULL)
    {
      g_string_append_c (text, ' ');
      /* Translators: when a bundle was generated and from which run */
      g_string_append_printf (text, _("It was generated %s from run %s."), when, short_source);
    }

  g_string_append_c (text, ' ');
  g_string_append (text, _("Overwrite it, or choose another key."));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_error (const GError *error)
{
  if (g_error_matches (error, RB_ERROR, RB_ERROR_DISABLED))
    /* Translators: %s is the server's message */
    return g_strdup_printf (_("Telemetry generation is turned off here. %s"), error->message);
  if (g_error_matches (error, RB_ERROR, RB_ERROR_UNREACHABLE))
    return g_strdup_printf (_("Can’t reach the server. %s"), error->message);

  /* Translators: %s is the message of the backend or server */
  return g_strdup_printf (_("Telemetry could not be generated. %s"), error->message);
}

/*
 * Generation
 */

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RbGenerateDialog) self = user_data;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *capture = NULL;
  guint status = 0;

  body = rb_backend_generate_telemetry_finish (RB_BACKEND (object), result, &status, &error);

  /* The dialog was closed meanwhile: its widgets are gone. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_object (&self->run_cancellable);
      set_state (self, "error", _("Generation was cancelled."));
      return;
    }

  g_clear_object (&self->run_cancellable);

  if (error != NULL)
    {
      g_autofree char *text = describe_error (error);

      set_state (self, "error", text);
      return;
    }

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    capture = rb_json_get_object (json_node_get_object (body), "capture");

  if (status == 409)
    {
      g_autofree char *text = describe_conflict (capture);

      set_state (self, "conflict", text);
      gtk_widget_grab_focus (self->overwrite_button);
      return;
    }

  set_state (self, "ready", NULL);
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (node, capture != NULL ? capture : json_object_new ());
    if (capture == NULL)
      json_object_unref (json_node_get_object (node));
    g_signal_emit (self, signals[GENERATED], 0, node);
  }
  gtk_window_close (GTK_WINDOW (self));
}

static void
start_generation (RbGenerateDialog *self,
                  gboolean          overwrite)
{
  g_autoptr(JsonNode) request = NULL;

  if (g_str_equal (self->state, "running"))
    return;

  request = build_request (self, overwrite);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();

  set_state (self, "running", NULL);
  rb_backend_generate_telemetry_async (self->backend, request, self->run_cancellable,
                                       generate_cb, g_object_ref (self));
}

static void
get_template_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RbGenerateDialog) self = user_data;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  template = rb_backend_get_template_finish (RB_BACKEND (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* No template (not in the catalogue): the key stays empty, which stores
   * the bundle with the run. */
  if (error != NULL)
    g_debug ("No template for the capture key: %s", error->message);

  if (template != NULL && !self->key_edited && rb_template_get_capture_key (template) != NULL)
    {
      self->setting_key = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->key_row), rb_template_get_capture_key (template));
      self->setting_key = FALSE;
    }

  if (g_str_equal (self->state, "loading"))
    set_state (self, "ready", NULL);
}

/*
 * Callbacks and actions
 */

static void
on_key_changed_cb (RbGenerateDialog *self,
                   GtkEditable      *editable)
{
  if (self->setting_key)
    return;

  self->key_edited = TRUE;

  /* Another key: the conflict no longer applies. */
  if (g_str_equal (self->state, "conflict") || g_str_equal (self->state, "error"))
    set_state (self, "ready", NULL);
}

static void
on_cancel_clicked_cb (RbGenerateDialog *self,
                      GtkButton        *button)
{
  if (g_str_equal (self->state, "running"))
    {
      g_cancellable_cancel (self->run_cancellable);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
on_another_key_clicked_cb (RbGenerateDialog *self,
                           GtkButton        *button)
{
  set_state (self, "ready", NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  RbGenerateDialog *self = RB_GENERATE_DIALOG (widget);

  start_generation (self, gtk_switch_get_active (self->overwrite_switch));
}

static void
overwrite_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  RbGenerateDialog *self = RB_GENERATE_DIALOG (widget);

  gtk_switch_set_active (self->overwrite_switch, TRUE);
  start_generation (self, TRUE);
}

/*
 * GObject
 */

static void
rb_generate_dialog_dispose (GObject *object)
{
  RbGenerateDialog *self = (RbGenerateDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->backend);
  g_clear_object (&self->run);

  G_OBJECT_CLASS (rb_generate_dialog_parent_class)->dispose (object);
}

static void
rb_generate_dialog_finalize (GObject *object)
{
  RbGenerateDialog *self = (RbGenerateDialog *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (rb_generate_dialog_parent_class)->finalize (object);
}

static void
rb_generate_dialog_class_init (RbGenerateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_generate_dialog_dispose;
  object_class->finalize = rb_generate_dialog_finalize;

  /**
   * RbGenerateDialog::generated:
   * @capture: (type JsonNode): the api.md "capture" object
   *
   * Telemetry was generated; the dialog closes right after.
   */
  signals[GENERATED] =
    g_signal_new ("generated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/runboard/Runboard/ui/rb-generate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, generate_button);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, form_group);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, overwrite_switch);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, conflict_box);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, conflict_label);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, overwrite_button);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, RbGenerateDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_another_key_clicked_cb);

  gtk_widget_class_install_action (widget_class, "dialog.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "dialog.overwrite", NULL, overwrite_action);
}

static void
rb_generate_dialog_init (RbGenerateDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = "loading";

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->generate_button);
  set_state (self, "loading", NULL);
}

RbGenerateDialog *
rb_generate_dialog_new (GtkWindow *parent,
                        RbBackend *backend,
                        RbRun     *run)
{
  RbGenerateDialog *self;
  g_autofree char *short_id = NULL;
  g_autofree char *subtitle = NULL;
  const char *title;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (RB_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (RB_IS_RUN (run), NULL);

  self = g_object_new (RB_TYPE_GENERATE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->backend = g_object_ref (backend);
  self->run = g_object_ref (run);

  title = rb_run_get_template_title (run);
  if (title == NULL || *title == '\0')
    title = rb_run_get_template_id (run);
  short_id = rb_format_short_run_id (rb_run_get_run_id (run));
  /* Translators: the dialog's subtitle: template title · short run id */
  subtitle = title != NULL ? g_strdup_printf (_("%s · %s"), title, short_id) : g_strdup (short_id);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  if (rb_run_get_template_id (run) != NULL)
    rb_backend_get_template_async (backend, rb_run_get_template_id (run), self->cancellable,
                                   get_template_cb, g_object_ref (self));
  else
    set_state (self, "ready", NULL);

  return self;
}

const char *
rb_generate_dialog_get_run_id (RbGenerateDialog *self)
{
  g_return_val_if_fail (RB_IS_GENERATE_DIALOG (self), NULL);

  return self->run != NULL ? rb_run_get_run_id (self->run) : NULL;
}

const char *
rb_generate_dialog_get_state (RbGenerateDialog *self)
{
  g_return_val_if_fail (RB_IS_GENERATE_DIALOG (self), NULL);

  return self->state;
}

const char *
rb_generate_dialog_get_capture_key (RbGenerateDialog *self)
{
  g_return_val_if_fail (RB_IS_GENERATE_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->key_row));
}

void
rb_generate_dialog_set_capture_key (RbGenerateDialog *self,
                                    const char       *key)
{
  g_return_if_fail (RB_IS_GENERATE_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key != NULL ? key : "");
}

const char *
rb_generate_dialog_get_message (RbGenerateDialog *self)
{
  g_return_val_if_fail (RB_IS_GENERATE_DIALOG (self), NULL);

  return self->message;
}
