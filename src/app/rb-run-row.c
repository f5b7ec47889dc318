/* rb-run-row.c — one run in the run list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-run-row"

#include "config.h"

#include <glib/gi18n.h>

#include "rb-format.h"
#include "rb-run-row.h"

struct _RbRunRow
{
  GtkWidget  parent_instance;

  /* Owned references */
  RbRun     *run;

  /* Template widgets */
  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
  GtkLabel  *telemetry_badge;
  GtkWidget *warnings_box;
  GtkLabel  *warnings_label;
  GtkLabel  *diagnostic_label;
};

G_DEFINE_FINAL_TYPE (RbRunRow, rb_run_row, GTK_TYPE_WIDGET)

/* The title (may be ellipsized: the tooltip has all of it). */
static const char *
row_title (RbRun *run)
{
  const char *title = rb_run_get_template_title (run);

  if (title == NULL || *title == '\0')
    title = rb_run_get_template_id (run);
  if (title == NULL || *title == '\0')
    title = rb_run_get_diagnostic (run) != NULL ? _("Unreadable Run") : _("Untitled Run");
  return title;
}

/* Tooltips are given when asked for (query-tooltip), not set on each
 * bind: gtk_widget_set_tooltip_text() asks the X server where the pointer
 * is, and a list of 100 000 runs binds 200 rows at once (0.15 s of
 * round trips for the first frame). */
static gboolean
on_label_query_tooltip_cb (GtkWidget  *label,
                           int         x,
                           int         y,
                           gboolean    keyboard_mode,
                           GtkTooltip *tooltip,
                           RbRunRow   *self)
{
  if (self->run == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, label == GTK_WIDGET (self->title_label)
                                 ? row_title (self->run)
                                 : rb_run_get_run_id (self->run));
  return TRUE;
}

static void
update (RbRunRow *self)
{
  RbRun *run = self->run;
  const RbTelemetrySummary *telemetry;
  const char *title;
  const char *diagnostic;
  g_autofree char *short_id = NULL;
  g_autofree char *created = NULL;
  g_autofree char *subtitle = NULL;
  guint n_warnings;

  if (run == NULL)
    return;

  diagnostic = rb_run_get_diagnostic (run);
  title = row_title (run);

  short_id = rb_format_short_run_id (rb_run_get_run_id (run));
  created = rb_format_created (rb_run_get_created_unix (run), NULL);
  if (diagnostic != NULL && rb_run_get_mode (run) == NULL)
    /* Translators: list row subtitle: short run id · created */
    subtitle = g_strdup_printf (_("%s · %s"), short_id, created);
  else
    /* Translators: list row subtitle: short run id · created · mode */
    subtitle = g_strdup_printf (_("%s · %s · %s"), short_id, created,
                                rb_format_mode (rb_run_get_mode (run)));

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, subtitle);

  telemetry = rb_run_get_telemetry (run);
  gtk_widget_set_visible (GTK_WIDGET (self->telemetry_badge),
                          telemetry != NULL && telemetry->available);

  n_warnings = rb_run_get_warning_count (run);
  gtk_widget_set_visible (self->warnings_box, n_warnings > 0);
  if (n_warnings > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", n_warnings);
      g_autofree char *tooltip = NULL;

      tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings", n_warnings),
                                 n_warnings);
      gtk_label_set_label (self->warnings_label, count);
      gtk_widget_set_tooltip_text (self->warnings_box, tooltip);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->diagnostic_label), diagnostic != NULL);
  gtk_label_set_label (self->diagnostic_label, diagnostic != NULL ? diagnostic : "");
}

static void
rb_run_row_dispose (GObject *object)
{
  RbRunRow *self = (RbRunRow *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_RUN_ROW);
  /* The template's outer box has no id, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->run);

  G_OBJECT_CLASS (rb_run_row_parent_class)->dispose (object);
}

static void
rb_run_row_class_init (RbRunRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_run_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/runboard/Runboard/ui/rb-run-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RbRunRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, RbRunRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, RbRunRow, telemetry_badge);
  gtk_widget_class_bind_template_child (widget_class, RbRunRow, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, RbRunRow, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, RbRunRow, diagnostic_label);
}

static void
rb_run_row_init (RbRunRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->title_label), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->subtitle_label), TRUE);
  g_signal_connect (self->title_label, "query-tooltip",
                    G_CALLBACK (on_label_query_tooltip_cb), self);
  g_signal_connect (self->subtitle_label, "query-tooltip",
                    G_CALLBACK (on_label_query_tooltip_cb), self);
}

GtkWidget *
rb_run_row_new (void)
{
  return g_object_new (RB_TYPE_RUN_ROW, NULL);
}

RbRun *
rb_run_row_get_run (RbRunRow *self)
{
  g_return_val_if_fail (RB_IS_RUN_ROW (self), NULL);

  return self->run;
}

void
rb_run_row_set_run (RbRunRow *self,
                    RbRun    *run)
{
  g_return_if_fail (RB_IS_RUN_ROW (self));
  g_return_if_fail (!run || RB_IS_RUN (run));

  if (g_set_object (&self->run, run))
    update (self);
}
