/* custom_experiments.c - see custom_experiments.h. */
#include "custom_experiments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/hooks.h"
#include "experiments.h"

#define CUSTOM_LIST_MAX 200 /* a teacher's own experiments over the years */

static int teaches(const auth_user *u)
{
    return u && (u->is_teacher || u->platform_admin);
}

int custom_experiment_code(const char *code)
{
    return code && strncmp(code, CUSTOM_EXPERIMENT_PREFIX, strlen(CUSTOM_EXPERIMENT_PREFIX)) == 0;
}

/* 实验目标 is typed one a line; the experiment has them as a list. */
static json_t *objective_lines(const char *text)
{
    json_t *list = json_array();
    while (text && *text) {
        const char *end = strchr(text, '\n');
        size_t n = end ? (size_t)(end - text) : strlen(text);
        while (n && (text[n - 1] == '\r' || text[n - 1] == ' ')) n--;
        if (n) json_array_append_new(list, json_stringn(text, n));
        text = end ? end + 1 : NULL;
    }
    return list;
}

/* The record's fields in the shape of a shipped experiment. */
static json_t *as_experiment(const json_t *r)
{
    json_t *x = json_object();
    char code[48];
    snprintf(code, sizeof code, CUSTOM_EXPERIMENT_PREFIX "%lld", (long long)json_integer_value(json_object_get(r, "id")));
    json_object_set_new(x, "code", json_string(code));
    json_object_set_new(x, "series", json_string("自编"));
    const json_t *number = json_object_get(r, "number");
    json_object_set_new(x, "number", json_string(json_is_string(number) ? json_string_value(number) : ""));
    json_object_set(x, "title", json_object_get(r, "title"));
    if (json_is_integer(json_object_get(r, "expected_minutes")))
        json_object_set(x, "expected_minutes", json_object_get(r, "expected_minutes"));
    const json_t *scenario = json_object_get(r, "scenario");
    json_object_set_new(x, "scenario", json_string(json_is_string(scenario) ? json_string_value(scenario) : ""));
    json_object_set_new(x, "objectives", objective_lines(json_string_value(json_object_get(r, "objectives"))));
    const json_t *steps = json_object_get(r, "steps");
    json_object_set_new(x, "steps", json_is_array(steps) ? json_incref((json_t *)steps) : json_array());
    return x;
}

json_t *custom_experiment_load(entity_ctx *c, const char *code, err *e)
{
    char *end = NULL;
    const char *digits = code + strlen(CUSTOM_EXPERIMENT_PREFIX);
    long long id = strtoll(digits, &end, 10);
    if (!custom_experiment_code(code) || id <= 0 || end == digits || *end)
        return err_set(e, 404, "not_found", "实验不存在", "No such experiment"), NULL;
    strbuf text = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "custom_experiments"), id, 0, &text, e);
    json_t *r = rc ? NULL : json_loads(sb_str(&text), 0, NULL);
    sb_free(&text);
    if (!r) {
        if (rc == 0) err_set(e, 500, "internal_error", "读取实验失败", "Cannot read the experiment");
        else if (e->status == 404) err_set(e, 404, "not_found", "实验不存在", "No such experiment");
        return NULL;
    }
    json_t *x = as_experiment(r);
    json_decref(r);
    return x;
}

int custom_experiments_list(entity_ctx *c, void (*summary)(const json_t *x, strbuf *out), strbuf *out, int *n,
                            err *e)
{
    const entity_def *ent = meta_entity(c->m, "custom_experiments");
    if (!ent || !teaches(c->user)) return 0; /* a student publishes nothing */
    list_params p = {.sort = "-created_at", .limit = CUSTOM_LIST_MAX};
    strbuf page = STRBUF_INIT;
    int rc = entity_list(c, ent, &p, &page, e);
    json_t *j = rc ? NULL : json_loads(sb_str(&page), 0, NULL);
    sb_free(&page);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "items"), i, r) {
        json_t *x = as_experiment(r);
        if ((*n)++) sb_putc(out, ',');
        summary(x, out);
        json_decref(x);
    }
    json_decref(j);
    return rc;
}

/* ---- record rules ---- */

static int teachers_only(entity_ctx *c, hook_change *ch, err *e)
{
    (void)ch;
    if (c->trusted || teaches(c->user)) return 0;
    return err_set(e, 403, "forbidden", "只有教师可以编写实验", "Only teachers write experiments");
}

/* Every write leaves steps a shipped experiment could have: checked as
 * experiments_check checks the files, against the teacher's metadata. */
static int steps_valid(entity_ctx *c, hook_change *ch, err *e)
{
    const char *steps = hook_text(ch, "steps");
    json_t *x = json_pack("{s:s?,s:o}", "title", hook_text(ch, "title"), "steps",
                          steps ? json_loads(steps, 0, NULL) : json_array());
    if (!x) return err_invalid(e, "steps", "invalid", "实验步骤不是有效的 JSON", "Steps are not valid JSON");
    int rc = experiment_validate(c->m, x, e);
    json_decref(x);
    return rc;
}

/* An experiment that a class works on stays: its assignments name it. */
static int unused(entity_ctx *c, hook_change *ch, err *e)
{
    char filter[120];
    snprintf(filter, sizeof filter, "{\"field\":\"experiment\",\"op\":\"eq\",\"value\":\"" CUSTOM_EXPERIMENT_PREFIX
             "%lld\"}", (long long)hook_id(ch));
    entity_ctx sys = experiments_server_ctx(c);
    int used = entity_exists(&sys, meta_entity(sys.m, "assignments"), filter, e);
    if (used < 0) return -1;
    return used ? err_set(e, 409, "in_use", "这个实验已布置给班级，不能删除（可先删除相应的实验任务）",
                          "The experiment is assigned to a class; delete its assignments first")
                : 0;
}

void custom_experiments_init(void)
{
    entity_before("custom_experiments", ON_WRITE | ON_DELETE, teachers_only);
    entity_before("custom_experiments", ON_WRITE, steps_valid);
    entity_before("custom_experiments", ON_DELETE, unused);
}
