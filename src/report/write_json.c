/* write_json.c - the saved JSON of a run, a comparison or a capacity search: the results'
 * values (json.c), then the page's parts under "report" (html.c), so that `flowsim report` can
 * draw the page later from the file alone. */
#include "internal.h"

#include <flowsim/compare.h>
#include <flowsim/error.h>
#include <flowsim/size.h>

static int dump(FILE *f, json_t *root)
{
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (rc != 0 || fputc('\n', f) == EOF)
        return FLOW_E_IO;
    return 0;
}

int flow__json_dump_saved(FILE *f, json_t *value, json_t *parts)
{
    json_t *root = json_object();
    json_object_set_new(root, "format_version", json_integer(FLOW_JSON_FORMAT));
    json_object_update(root, value);
    json_decref(value);
    json_object_set_new(root, "report", parts);
    return dump(f, root);
}

int flow_report_json(FILE *f, const struct flow_results *r, const char *provenance)
{
    return flow__json_dump_saved(f, flow__json_run_value(r), flow__html_run_parts(r, provenance));
}

int flow_report_compare_json(FILE *f, const struct flow_comparison *c, const char *provenance)
{
    return flow__json_dump_saved(f, flow__json_compare_value(c), flow__html_compare_parts(c, provenance));
}

int flow_report_size_json(FILE *f, const struct flow_size_result *r, const char *provenance)
{
    return flow__json_dump_saved(f, flow__json_size_value(r), flow__html_size_parts(r, provenance));
}

int flow_report_write(FILE *f, const struct flow_results *r, enum flow_format format, const char *provenance)
{
    int rc = format == FLOW_FORMAT_JSON ? flow_report_json(f, r, provenance) : flow_report_text(f, r);
    if (rc == 0 && (fflush(f) != 0 || ferror(f)))
        rc = FLOW_E_IO;
    return rc;
}
