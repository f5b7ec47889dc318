/* rb-preferences-window.c — where runs come from, and telemetry generation
 *
 * Every row is bound to GSettings; the window and the application react to
 * the keys changing (a backend switch reloads the list). The data folder
 * row is the one place the app shows a path: the folder the user picked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "rb-preferences-window.h"

struct _RbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned references */
  GSettings            *settings;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwComboRow          *backend_row;
  AdwActionRow         *folder_row;
  GtkWidget            *folder_reset_button;
  AdwEntryRow          *url_row;
  GtkSwitch            *generation_switch;
};

G_DEFINE_FINAL_TYPE (RbPreferencesWindow, rb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/*
 * Mappings
 */

static gboolean
backend_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  g_value_set_uint (value, g_strcmp0 (g_variant_get_string (variant, NULL), "remote") == 0 ? 1 : 0);
  return TRUE;
}

static GVariant *
backend_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "remote" : "local");
}

static gboolean
is_local_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  gboolean local = g_strcmp0 (g_variant_get_string (variant, NULL), "remote") != 0;

  g_value_set_boolean (value, GPOINTER_TO_INT (user_data) ? local : !local);
  return TRUE;
}

/*
 * Callbacks
 */

static void
update_folder_row (RbPreferencesWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "data-directory");
  gboolean is_default = *folder == '\0';

  adw_action_row_set_subtitle (self->folder_row,
                               is_default ? _("Default folder") : folder);
  gtk_widget_set_visible (self->folder_reset_button, !is_default);
}

static void
on_data_directory_changed_cb (RbPreferencesWindow *self)
{
  update_folder_row (self);
}

static void
on_chooser_response_cb (RbPreferencesWindow  *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "data-directory", path);
    }

  g_clear_object (&self->chooser);
}

static void
on_folder_clicked_cb (RbPreferencesWindow *self,
                      GtkButton           *button)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "data-directory");

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose the Data Folder"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (*folder != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), file, NULL);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_folder_reset_clicked_cb (RbPreferencesWindow *self,
                            GtkButton           *button)
{
  g_settings_reset (self->settings, "data-directory");
}

/* The URL is stored when applied, not at every key press (each change
 * switches the backend). */
static void
on_url_apply_cb (RbPreferencesWindow *self,
                 AdwEntryRow         *row)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*url == '\0')
    g_settings_reset (self->settings, "server-url");
  else
    g_settings_set_string (self->settings, "server-url", url);
}

static void
on_server_url_changed_cb (RbPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
}

/*
 * GObject
 */

static void
rb_preferences_window_dispose (GObject *object)
{
  RbPreferencesWindow *self = (RbPreferencesWindow *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rb_preferences_window_parent_class)->dispose (object);
}

static void
rb_preferences_window_class_init (RbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/runboard/Runboard/ui/rb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, folder_reset_button);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, generation_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_url_apply_cb);
}

static void
rb_preferences_window_init (RbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

RbPreferencesWindow *
rb_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  RbPreferencesWindow *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "backend", self->backend_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                backend_get_mapping, backend_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (settings, "backend", self->folder_row, "visible",
                                G_SETTINGS_BIND_GET,
                                is_local_mapping, NULL, GINT_TO_POINTER (TRUE), NULL);
  g_settings_bind_with_mapping (settings, "backend", self->url_row, "visible",
                                G_SETTINGS_BIND_GET,
                                is_local_mapping, NULL, GINT_TO_POINTER (FALSE), NULL);
  g_settings_bind (settings, "telemetry-generation-enabled",
                   self->generation_switch, "active", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (settings, "changed::data-directory",
                           G_CALLBACK (on_data_directory_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::server-url",
                           G_CALLBACK (on_server_url_changed_cb), self, G_CONNECT_SWAPPED);
  update_folder_row (self);
  on_server_url_changed_cb (self);

  return self;
}
