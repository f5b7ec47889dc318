/* test-flowtime-templates.c — FlowTime's own templates, read in place
 *
 * Every template in ../shared/flowtime/templates/ without classes and in
 * templates-2025-10/ loads, instantiates with its defaults and evaluates;
 * the class templates fail with the clear message; warehouse-picker-waves
 * gives the hand-checked picker wave queue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-core.h"
#include "rb-engine.h"
#include "rb-model.h"
#include "rb-template.h"
#include "rb-test-util.h"

static const char * const classless_templates[] = {
  "templates/dependency-constraints-attached.yaml",
  "templates/dependency-constraints-minimal.yaml",
  "templates/it-system-microservices.yaml",
  "templates/manufacturing-line.yaml",
  "templates/network-reliability.yaml",
  "templates/supply-chain-incident-retry.yaml",
  "templates/supply-chain-multi-tier.yaml",
  "templates/transportation-basic.yaml",
  "templates/warehouse-picker-waves.yaml",
  "templates-2025-10/it-system-microservices.yaml",
  "templates-2025-10/manufacturing-line.yaml",
  "templates-2025-10/network-reliability.yaml",
  "templates-2025-10/supply-chain-multi-tier.yaml",
  "templates-2025-10/transportation-basic.yaml",
};

static const char * const class_templates[] = {
  "templates/it-document-processing-continuous.yaml",
  "templates/supply-chain-multi-tier-classes.yaml",
  "templates/transportation-basic-classes.yaml",
};

static RbTemplate *
load_flowtime_template (const char *relative)
{
  g_autofree char *path = rb_test_flowtime_path (relative, NULL);
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  RbTemplate *template;
  gsize length = 0;

  if (path == NULL)
    return NULL;
  text = rb_test_read_file (path, &length);
  name = g_path_get_basename (path);
  template = rb_template_new_from_data (text, length, name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (template);
  return template;
}

/* The model text of @relative with its defaults. */
static char *
instantiate_defaults (const char  *relative,
                      RbTemplate **out_template)
{
  g_autoptr(RbTemplate) template = load_flowtime_template (relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) merged = NULL;
  char *text;

  if (template == NULL)
    return NULL;
  text = rb_template_instantiate (template, NULL, &merged, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_assert_nonnull (merged);
  g_assert_cmpuint (json_object_get_size (merged), ==,
                    rb_template_get_parameters (template)->len);
  if (out_template != NULL)
    *out_template = g_steal_pointer (&template);
  return text;
}

static void
test_classless_evaluate (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *text = NULL;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  GPtrArray *ids;

  text = instantiate_defaults (relative, &template);
  if (text == NULL)
    return;
  name = g_path_get_basename (relative);
  model = rb_model_parse (text, strlen (text), name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  /* window.start was copied to grid.start. */
  g_assert_nonnull (rb_model_get_start (model));
  g_assert_true (g_str_has_prefix (rb_model_get_start (model), "2025-"));

  evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (evaluation);
  g_assert_cmpuint (rb_evaluation_get_bins (evaluation), ==, rb_model_get_bins (model));

  ids = rb_model_get_node_ids (model);
  g_assert_cmpuint (ids->len, >, 0);
  for (guint i = 0; i < ids->len; i++)
    {
      const double *series = rb_evaluation_get_series (evaluation, g_ptr_array_index (ids, i));

      g_assert_nonnull (series);
    }
}

static void
test_class_template_refused (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  RbModel *model;

  text = instantiate_defaults (relative, NULL);
  if (text == NULL)
    return;
  name = g_path_get_basename (relative);
  model = rb_model_parse (text, strlen (text), name, &error);
  g_assert_null (model);
  g_assert_nonnull (error);
  g_assert_true (strstr (error->message, "classes are not supported yet") != NULL);
  g_assert_null (strstr (error->message, "/"));
}

/* Hand check (defaults: 12 bins, waves every 4 bins from bin 0, 80 per
 * wave): received = MIN(inbound, intake) = 120 135 150 190 210 210 195 185
 * 170 160 150 140; the wave releases MIN(CONV(received,[1,1,1,1]), 80) only
 * on bins 0, 4, 8 → 80, 80, 80; Q[t] = Q[t-1] + received[t] − release[t]:
 * 40, 175, 325, 515, 645, 855, 1050, 1235, 1325, 1485, 1635, 1775. */
static void
test_warehouse_picker_waves (void)
{
  static const double expected[] = {
    40, 175, 325, 515, 645, 855, 1050, 1235, 1325, 1485, 1635, 1775,
  };
  g_autofree char *text = NULL;
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;
  const double *queue;

  text = instantiate_defaults ("templates/warehouse-picker-waves.yaml", NULL);
  if (text == NULL)
    return;
  model = rb_model_parse (text, strlen (text), "warehouse-picker-waves.yaml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_model_get_bins (model), ==, 12);
  g_assert_cmpuint (rb_model_get_bin_size (model), ==, 60);
  g_assert_cmpstr (rb_model_get_start (model), ==, "2025-01-01T00:00:00Z");
  evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_no_error (error);

  queue = rb_evaluation_get_series (evaluation, "picker_wave_queue");
  g_assert_nonnull (queue);
  for (guint t = 0; t < G_N_ELEMENTS (expected); t++)
    g_assert_cmpfloat (queue[t], ==, expected[t]);
}

/* The header FlowTime's catalogue shows, read with placeholders in place. */
static void
test_warehouse_header (void)
{
  g_autoptr(RbTemplate) template = load_flowtime_template ("templates/warehouse-picker-waves.yaml");
  const RbTemplateParameter *parameter;

  if (template == NULL)
    return;
  g_assert_cmpstr (rb_template_get_id (template), ==, "warehouse-picker-waves");
  g_assert_cmpstr (rb_template_get_version (template), ==, "1.1.0");
  g_assert_cmpstr (rb_template_get_capture_key (template), ==, "warehouse-picker");
  g_assert_cmpstr (rb_template_get_mode (template), ==, "simulation");
  g_assert_cmpuint (rb_template_get_parameters (template)->len, ==, 8);
  parameter = rb_template_find_parameter (template, "waveCapacity");
  g_assert_nonnull (parameter);
  g_assert_cmpstr (parameter->type, ==, "integer");
  g_assert_true (parameter->has_min && parameter->min == 10);
  g_assert_true (parameter->has_max && parameter->max == 500);
  parameter = rb_template_find_parameter (template, "inboundPattern");
  g_assert_cmpstr (parameter->array_of, ==, "number");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (parameter->default_value)), ==, 12);
}

/* The brief's example of a range error, on FlowTime's own template. */
static void
test_warehouse_wave_capacity_range (void)
{
  g_autoptr(RbTemplate) template = load_flowtime_template ("templates/warehouse-picker-waves.yaml");
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *text;

  if (template == NULL)
    return;
  json_object_set_int_member (request, "waveCapacity", 900);
  text = rb_template_instantiate (template, request, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_PARAMETER);
  g_assert_cmpstr (error->message, ==, "parameters.waveCapacity must be at most 500 (got 900)");
  g_assert_cmpstr (rb_error_get_field (error), ==, "parameters.waveCapacity");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (classless_templates); i++)
    {
      g_autofree char *name = g_strdup_printf ("/flowtime-templates/evaluate/%s",
                                               classless_templates[i]);
      g_test_add_data_func (name, classless_templates[i], test_classless_evaluate);
    }
  for (guint i = 0; i < G_N_ELEMENTS (class_templates); i++)
    {
      g_autofree char *name = g_strdup_printf ("/flowtime-templates/classes-refused/%s",
                                               class_templates[i]);
      g_test_add_data_func (name, class_templates[i], test_class_template_refused);
    }
  g_test_add_func ("/flowtime-templates/warehouse/header", test_warehouse_header);
  g_test_add_func ("/flowtime-templates/warehouse/wave-capacity-range",
                   test_warehouse_wave_capacity_range);
  g_test_add_func ("/flowtime-templates/warehouse/picker-wave-queue", test_warehouse_picker_waves);

  return g_test_run ();
}
