/* survey_export.c - 问卷统计 as a table, for its Excel / CSV export: one row
 * per choice (single, multiple), per score 1..5 (scale, with the average
 * on the question's row) and per text answer, built from the statistics
 * the page shows (surveys_statistics), so the file and the charts agree. */
#include "survey_export.h"

#include <jansson.h>
#include <string.h>

#include "surveys.h"

static const rt_column COLUMNS[] = {
    {"question", "题目", "Question", RT_TEXT}, {"answer", "选项 / 回答", "Choice / answer", RT_TEXT},
    {"count", "人数", "Answers", RT_COUNT},     {"share", "占比%", "Share %", RT_DECIMAL2},
};

static const char *text(arena *a, const json_t *v)
{
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

/* count / answered as a percentage times 100, half up. */
static int64_t share(int64_t count, int64_t answered)
{
    return answered > 0 ? (count * 10000 * 2 + answered) / (2 * answered) : 0;
}

static void add_row(report_table *t, const char *question, const char *answer, int64_t count, int64_t answered)
{
    rt_cell *row = report_table_add(t, 0);
    row[0].s = question, row[1].s = answer, row[2].n = count, row[3].n = share(count, answered);
}

static void question_rows(entity_ctx *c, report_table *t, const json_t *q)
{
    const char *title = text(c->a, json_object_get(q, "question"));
    int64_t answered = json_integer_value(json_object_get(q, "answered"));
    int en = strcmp(c->lang, "en") == 0;
    const json_t *v;
    size_t i;
    rt_cell *head = report_table_add(t, json_integer_value(json_object_get(q, "id")));
    head[0].s = title;
    head[1].s = json_is_string(json_object_get(q, "average"))
                    ? arena_printf(c->a, en ? "answered, average %s" : "答题人数（平均分 %s）",
                                   json_string_value(json_object_get(q, "average")))
                    : (en ? "answered" : "答题人数");
    head[2].n = answered;
    head[3].n = answered ? 10000 : 0;
    json_array_foreach(json_object_get(q, "choices"), i, v)
        add_row(t, title, text(c->a, json_object_get(v, "choice")), json_integer_value(json_object_get(v, "count")), answered);
    json_array_foreach(json_object_get(q, "scores"), i, v)
        add_row(t, title, arena_printf(c->a, en ? "%lld points" : "%lld 分", (long long)json_integer_value(json_object_get(v, "score"))),
                json_integer_value(json_object_get(v, "count")), answered);
    json_array_foreach(json_object_get(q, "texts"), i, v) /* each text is one answer */
        add_row(t, title, text(c->a, v), 1, answered);
}

int surveys_statistics_table(entity_ctx *c, int64_t id, report_table *t, err *e)
{
    strbuf stats = STRBUF_INIT;
    if (surveys_statistics(c, id, &stats, e)) return sb_free(&stats), -1;
    json_t *root = json_loads(sb_str(&stats), 0, NULL), *q;
    sb_free(&stats);
    report_table_init(t, c->a, COLUMNS, (int)(sizeof COLUMNS / sizeof *COLUMNS));
    size_t i;
    json_array_foreach(json_object_get(root, "questions"), i, q) question_rows(c, t, q);
    json_decref(root);
    return 0;
}
