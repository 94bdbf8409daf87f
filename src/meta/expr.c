/* expr.c - parser, checker and exact evaluator of the computed-field
 * language (see expr.h for the language and its rounding rule). A
 * recursive-descent parser builds the tree once, at metadata load; the
 * evaluator walks it with callbacks for field values and related rows, so
 * the same tree runs on a stored record, on a form's values in tests, and
 * on the rows of an aggregate. */
#include "expr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util/err.h"
#include "../util/rmb.h"

typedef enum node_kind {
    N_NUM, N_TEXT, N_BOOL, N_NULL, N_FIELD, N_NEG, N_NOT, N_AND, N_OR,
    N_ADD, N_SUB, N_MUL, N_DIV, N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE, N_IN,
    N_CALL, N_AGG,
} node_kind;

typedef enum func_kind { F_ROUND, F_MIN, F_MAX, F_ABS, F_IF, F_COALESCE, F_SUM, F_COUNT, F_RMB_UPPER } func_kind;

struct expr_node {
    node_kind kind;
    expr_value v;      /* literals */
    const char *name;  /* N_FIELD: field; N_AGG: relation */
    const char *field; /* N_AGG: field of the related record (NULL for count) */
    func_kind fn;
    int negated;       /* N_IN: not in */
    expr_node **args;  /* operands, call arguments, the `in` list; N_AGG: args[0] filter or NULL */
    int nargs;
};

/* 10^36: every mantissa stays below it, so a sum or a scale step of two
 * of them never passes what 128 bits hold, and the JS twin (BigInt) can
 * refuse exactly the same values. */
static expr_int max_mantissa(void)
{
    expr_int m = 1;
    for (int i = 0; i < 36; i++) m *= 10;
    return m;
}

static expr_int pow10i(int n)
{
    expr_int p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

static int set_error(expr_error *xerr, expr_errcode code, int pos, const char *zh, const char *en, ...)
{
    /* Both formats take the same arguments in the same order. */
    va_list ap;
    xerr->code = code;
    xerr->pos = pos;
    va_start(ap, en);
    err_format_pair(xerr->zh, sizeof xerr->zh, xerr->en, sizeof xerr->en, zh, en, ap);
    va_end(ap);
    return -1;
}

static int overflow(expr_error *xerr)
{
    return set_error(xerr, EXPR_E_OVERFLOW, 0, "数值超出可精确保存的范围", "The number is too large to be kept exactly");
}

static int in_range(expr_int m)
{
    expr_int max = max_mantissa();
    return m < max && m > -max;
}

/* ---------------------------------------------------------------- parse */

typedef struct parser {
    arena *a;
    const char *text, *p;
    expr_error *xerr;
} parser;

static void skip_space(parser *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p)) ps->p++;
}

static int syntax(parser *ps, const char *what_zh, const char *what_en)
{
    int at = (int)(ps->p - ps->text);
    ps->xerr->code = EXPR_E_PARSE;
    ps->xerr->pos = at;
    snprintf(ps->xerr->zh, sizeof ps->xerr->zh, "表达式第 %d 个字符处有误：%s", at + 1, what_zh);
    snprintf(ps->xerr->en, sizeof ps->xerr->en, "Expression error at character %d: %s", at + 1, what_en);
    return -1;
}

/* Accepts punctuation tok when it comes next. */
static int accept(parser *ps, const char *tok)
{
    skip_space(ps);
    size_t n = strlen(tok);
    if (strncmp(ps->p, tok, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Accepts the keyword kw (a whole word, lower case) when it comes next. */
static int accept_word(parser *ps, const char *kw)
{
    skip_space(ps);
    size_t n = strlen(kw);
    if (strncmp(ps->p, kw, n) != 0 || is_ident_char(ps->p[n])) return 0;
    ps->p += n;
    return 1;
}

static int peek_word(parser *ps, const char *kw)
{
    const char *save = ps->p;
    int yes = accept_word(ps, kw);
    ps->p = save;
    return yes;
}

static const char *ident(parser *ps)
{
    skip_space(ps);
    if (!isalpha((unsigned char)*ps->p) && *ps->p != '_') return NULL;
    const char *start = ps->p;
    while (is_ident_char(*ps->p)) ps->p++;
    return arena_strndup(ps->a, start, (size_t)(ps->p - start));
}

static expr_node *node(parser *ps, node_kind k, int nargs)
{
    expr_node *n = arena_alloc(ps->a, sizeof *n);
    n->kind = k;
    n->nargs = nargs;
    if (nargs) n->args = arena_alloc(ps->a, sizeof(expr_node *) * (size_t)nargs);
    return n;
}

static expr_node *binary(parser *ps, node_kind k, expr_node *l, expr_node *r)
{
    if (!l || !r) return NULL;
    expr_node *n = node(ps, k, 2);
    n->args[0] = l;
    n->args[1] = r;
    return n;
}

static expr_node *parse_or(parser *ps);

static expr_node *number_literal(parser *ps)
{
    const char *start = ps->p;
    while (isdigit((unsigned char)*ps->p)) ps->p++;
    if (*ps->p == '.' && isdigit((unsigned char)ps->p[1])) {
        ps->p++;
        while (isdigit((unsigned char)*ps->p)) ps->p++;
    }
    char buf[64];
    size_t len = (size_t)(ps->p - start);
    expr_node *n = node(ps, N_NUM, 0);
    if (len >= sizeof buf) {
        ps->p = start;
        return overflow(ps->xerr), NULL;
    }
    memcpy(buf, start, len);
    buf[len] = '\0';
    if (expr_number(buf, &n->v) != 0) {
        ps->p = start;
        return syntax(ps, "数字无效或位数过多", "invalid number or too many digits"), NULL;
    }
    return n;
}

static expr_node *text_literal(parser *ps)
{
    ps->p++; /* opening quote */
    /* '' inside a string is one quote, as in SQL */
    size_t n = 0;
    char *out = arena_alloc(ps->a, strlen(ps->p) + 1);
    while (*ps->p) {
        if (*ps->p == '\'') {
            if (ps->p[1] != '\'') break;
            ps->p++;
        }
        out[n++] = *ps->p++;
    }
    if (*ps->p != '\'') return syntax(ps, "字符串缺少结尾的单引号", "unterminated string"), NULL;
    ps->p++;
    out[n] = '\0';
    expr_node *t = node(ps, N_TEXT, 0);
    t->v = (expr_value){.kind = EV_TEXT, .s = out};
    return t;
}

static const struct {
    const char *name;
    func_kind fn;
    int min_args, max_args;
} FUNCS[] = {
    {"round", F_ROUND, 2, 2}, {"min", F_MIN, 2, 16},    {"max", F_MAX, 2, 16},       {"abs", F_ABS, 1, 1},
    {"if", F_IF, 3, 3},       {"coalesce", F_COALESCE, 2, 16}, {"sum", F_SUM, 1, 1}, {"count", F_COUNT, 1, 1},
    {"rmb_upper", F_RMB_UPPER, 1, 1},
};

/* sum(rel.field [where cond]), count(rel [where cond]), min/max(rel.field [where cond]) */
static expr_node *aggregate(parser *ps, func_kind fn)
{
    expr_node *n = node(ps, N_AGG, 1);
    n->fn = fn;
    n->name = ident(ps);
    if (!n->name) return syntax(ps, "此处应为关联名", "a relation name is expected here"), NULL;
    if (accept(ps, ".")) {
        n->field = ident(ps);
        if (!n->field) return syntax(ps, "此处应为字段名", "a field name is expected here"), NULL;
    } else if (fn != F_COUNT) {
        return syntax(ps, "汇总需要写成 关联.字段", "an aggregate needs relation.field"), NULL;
    }
    if (accept_word(ps, "where") && !(n->args[0] = parse_or(ps))) return NULL;
    if (!accept(ps, ")")) return syntax(ps, "缺少右括号", "\")\" expected"), NULL;
    return n;
}

/* After "name(": whether min/max read a relation (rel.field) here. */
static int relation_argument_follows(parser *ps)
{
    const char *save = ps->p;
    int yes = ident(ps) && accept(ps, ".");
    ps->p = save;
    return yes;
}

static expr_node *call(parser *ps, const char *name)
{
    size_t f = 0;
    while (f < sizeof FUNCS / sizeof FUNCS[0] && strcmp(FUNCS[f].name, name) != 0) f++;
    if (f == sizeof FUNCS / sizeof FUNCS[0])
        return set_error(ps->xerr, EXPR_E_UNKNOWN, (int)(ps->p - ps->text), "未知函数 %s", "Unknown function %s", name),
               NULL;
    func_kind fn = FUNCS[f].fn;
    if (fn == F_SUM || fn == F_COUNT || ((fn == F_MIN || fn == F_MAX) && relation_argument_follows(ps)))
        return aggregate(ps, fn);
    expr_node *args[16];
    int nargs = 0;
    if (!accept(ps, ")")) {
        do {
            if (nargs == 16) return syntax(ps, "参数过多", "too many arguments"), NULL;
            if (!(args[nargs++] = parse_or(ps))) return NULL;
        } while (accept(ps, ","));
        if (!accept(ps, ")")) return syntax(ps, "缺少右括号", "\")\" expected"), NULL;
    }
    if (nargs < FUNCS[f].min_args || nargs > FUNCS[f].max_args)
        return syntax(ps, "函数参数个数不对", "wrong number of arguments"), NULL;
    expr_node *n = node(ps, N_CALL, nargs);
    n->fn = fn;
    memcpy(n->args, args, sizeof(expr_node *) * (size_t)nargs);
    return n;
}

static expr_node *primary(parser *ps)
{
    skip_space(ps);
    if (isdigit((unsigned char)*ps->p)) return number_literal(ps);
    if (*ps->p == '\'') return text_literal(ps);
    if (accept(ps, "(")) {
        expr_node *n = parse_or(ps);
        if (n && !accept(ps, ")")) return syntax(ps, "缺少右括号", "\")\" expected"), NULL;
        return n;
    }
    const char *start = ps->p;
    const char *name = ident(ps);
    if (!name) return syntax(ps, *ps->p ? "此处应为数值、字段或函数" : "表达式不完整",
                             *ps->p ? "a value, field or function is expected here" : "the expression is incomplete"),
                      NULL;
    static const char *reserved[] = {"and", "or", "not", "in", "where"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(name, reserved[i]) == 0) {
            ps->p = start;
            return syntax(ps, "此处应为数值、字段或函数", "a value, field or function is expected here"), NULL;
        }
    if (accept(ps, "(")) return call(ps, name);
    expr_node *n;
    if (strcmp(name, "true") == 0 || strcmp(name, "false") == 0) {
        n = node(ps, N_BOOL, 0);
        n->v = (expr_value){.kind = EV_BOOL, .m = name[0] == 't'};
    } else if (strcmp(name, "null") == 0) {
        n = node(ps, N_NULL, 0);
    } else {
        n = node(ps, N_FIELD, 0);
        n->name = name;
        skip_space(ps);
        if (*ps->p == '.') return syntax(ps, "关联记录的字段只能在汇总函数中使用", "related fields are read only inside aggregates"), NULL;
    }
    return n;
}

static expr_node *unary(parser *ps)
{
    if (accept(ps, "-")) {
        expr_node *n = node(ps, N_NEG, 1);
        return (n->args[0] = unary(ps)) ? n : NULL;
    }
    return primary(ps);
}

static expr_node *term(parser *ps)
{
    expr_node *l = unary(ps);
    while (l) {
        if (accept(ps, "*")) l = binary(ps, N_MUL, l, unary(ps));
        else if (accept(ps, "/")) l = binary(ps, N_DIV, l, unary(ps));
        else break;
    }
    return l;
}

static expr_node *sum_expr(parser *ps)
{
    expr_node *l = term(ps);
    while (l) {
        if (accept(ps, "+")) l = binary(ps, N_ADD, l, term(ps));
        else if (accept(ps, "-")) l = binary(ps, N_SUB, l, term(ps));
        else break;
    }
    return l;
}

static expr_node *in_list(parser *ps, expr_node *l, int negated)
{
    if (!accept(ps, "(")) return syntax(ps, "in 后面应为括号中的列表", "\"(\" expected after in"), NULL;
    expr_node *items[64];
    int n = 0;
    do {
        if (n == 64) return syntax(ps, "列表过长", "list too long"), NULL;
        skip_space(ps);
        expr_node *v = *ps->p == '\'' ? text_literal(ps) : isdigit((unsigned char)*ps->p) ? number_literal(ps) : NULL;
        if (!v) return ps->xerr->code ? NULL : (syntax(ps, "列表中只能是常量", "the list holds literals only"), NULL);
        items[n++] = v;
    } while (accept(ps, ","));
    if (!accept(ps, ")")) return syntax(ps, "缺少右括号", "\")\" expected"), NULL;
    expr_node *in = node(ps, N_IN, n + 1);
    in->negated = negated;
    in->args[0] = l;
    memcpy(in->args + 1, items, sizeof(expr_node *) * (size_t)n);
    return in;
}

static expr_node *comparison(parser *ps)
{
    expr_node *l = sum_expr(ps);
    if (!l) return NULL;
    static const struct {
        const char *tok;
        node_kind k;
    } ops[] = {{"!=", N_NE}, {"<>", N_NE}, {"<=", N_LE}, {">=", N_GE}, {"=", N_EQ}, {"<", N_LT}, {">", N_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (accept(ps, ops[i].tok)) return binary(ps, ops[i].k, l, sum_expr(ps));
    const char *save = ps->p;
    if (accept_word(ps, "not")) {
        if (accept_word(ps, "in")) return in_list(ps, l, 1);
        ps->p = save;
    }
    if (accept_word(ps, "in")) return in_list(ps, l, 0);
    return l;
}

static expr_node *negation(parser *ps)
{
    if (peek_word(ps, "not")) {
        accept_word(ps, "not");
        expr_node *n = node(ps, N_NOT, 1);
        return (n->args[0] = negation(ps)) ? n : NULL;
    }
    return comparison(ps);
}

static expr_node *conjunction(parser *ps)
{
    expr_node *l = negation(ps);
    while (l && accept_word(ps, "and")) l = binary(ps, N_AND, l, negation(ps));
    return l;
}

static expr_node *parse_or(parser *ps)
{
    expr_node *l = conjunction(ps);
    while (l && accept_word(ps, "or")) l = binary(ps, N_OR, l, conjunction(ps));
    return l;
}

expr_node *expr_parse(arena *a, const char *text, expr_error *xerr)
{
    memset(xerr, 0, sizeof *xerr);
    parser ps = {a, text, text, xerr};
    if (strlen(text) > EXPR_MAX_LENGTH) {
        set_error(xerr, EXPR_E_PARSE, 0, "表达式过长", "The expression is too long");
        return NULL;
    }
    expr_node *n = parse_or(&ps);
    if (!n) {
        if (!xerr->code) syntax(&ps, "表达式无效", "invalid expression");
        return NULL;
    }
    skip_space(&ps);
    if (*ps.p) return syntax(&ps, "多余的内容", "unexpected text"), NULL;
    return n;
}

/* ---------------------------------------------------------------- check */

typedef struct checker {
    expr_type_fn types;
    void *ctx;
    const char *relation; /* inside an aggregate: names are of its rows */
    expr_error *xerr;
} checker;

static const char *TYPE_ZH[] = {"未知", "数值", "文本", "真假值", "任意"};
static const char *TYPE_EN[] = {"unknown", "number", "text", "boolean", "any"};

static int type_error(checker *ck, expr_type want, expr_type got)
{
    ck->xerr->code = EXPR_E_TYPE;
    snprintf(ck->xerr->zh, sizeof ck->xerr->zh, "此处应为%s，实际是%s", TYPE_ZH[want], TYPE_ZH[got]);
    snprintf(ck->xerr->en, sizeof ck->xerr->en, "A %s is expected here, not a %s", TYPE_EN[want], TYPE_EN[got]);
    return -1;
}

static int check(checker *ck, const expr_node *n, expr_type *t);

static int check_as(checker *ck, const expr_node *n, expr_type want)
{
    expr_type t;
    if (check(ck, n, &t)) return -1;
    return t == want || t == ET_ANY ? 0 : type_error(ck, want, t);
}

/* Two operands that must agree (comparison, if branches, min/max). */
static int check_same(checker *ck, const expr_node *a, const expr_node *b, expr_type *t)
{
    expr_type ta, tb;
    if (check(ck, a, &ta) || check(ck, b, &tb)) return -1;
    if (ta != tb && ta != ET_ANY && tb != ET_ANY) return type_error(ck, ta, tb);
    *t = ta == ET_ANY ? tb : ta;
    return 0;
}

static int check_call(checker *ck, const expr_node *n, expr_type *t)
{
    switch (n->fn) {
    case F_ROUND:
        *t = ET_NUM;
        return check_as(ck, n->args[0], ET_NUM) || check_as(ck, n->args[1], ET_NUM);
    case F_ABS: *t = ET_NUM; return check_as(ck, n->args[0], ET_NUM);
    case F_RMB_UPPER: *t = ET_TEXT; return check_as(ck, n->args[0], ET_NUM);
    case F_IF: return check_as(ck, n->args[0], ET_BOOL) || check_same(ck, n->args[1], n->args[2], t);
    default: /* min, max, coalesce: all arguments of one type */
        *t = ET_ANY;
        for (int i = 0; i < n->nargs; i++) {
            expr_type ti;
            if (check(ck, n->args[i], &ti)) return -1;
            if (ti == ET_ANY) continue;
            if (*t != ET_ANY && ti != *t) return type_error(ck, *t, ti);
            *t = ti;
        }
        if ((n->fn == F_MIN || n->fn == F_MAX) && *t != ET_NUM && *t != ET_ANY) return type_error(ck, ET_NUM, *t);
        return 0;
    }
}

static int check_aggregate(checker *ck, const expr_node *n, expr_type *t)
{
    if (ck->relation)
        return set_error(ck->xerr, EXPR_E_TYPE, 0, "汇总函数不能嵌套", "Aggregates cannot be nested");
    if (ck->types(ck->ctx, n->name, NULL) == ET_UNKNOWN)
        return set_error(ck->xerr, EXPR_E_UNKNOWN, 0, "未知关联 %s", "Unknown relation %s", n->name);
    checker inner = *ck;
    inner.relation = n->name;
    *t = ET_NUM;
    if (n->field) {
        expr_type ft = ck->types(ck->ctx, n->name, n->field);
        if (ft == ET_UNKNOWN)
            return set_error(ck->xerr, EXPR_E_UNKNOWN, 0, "未知字段 %s.%s", "Unknown field %s.%s", n->name, n->field);
        if (ft != ET_NUM) return type_error(ck, ET_NUM, ft);
    }
    return n->args[0] ? check_as(&inner, n->args[0], ET_BOOL) : 0;
}

static int check(checker *ck, const expr_node *n, expr_type *t)
{
    switch (n->kind) {
    case N_NUM: *t = ET_NUM; return 0;
    case N_TEXT: *t = ET_TEXT; return 0;
    case N_BOOL: *t = ET_BOOL; return 0;
    case N_NULL: *t = ET_ANY; return 0;
    case N_FIELD:
        *t = ck->types(ck->ctx, ck->relation, n->name);
        if (*t != ET_UNKNOWN) return 0;
        if (ck->relation)
            return set_error(ck->xerr, EXPR_E_UNKNOWN, 0, "未知字段 %s.%s", "Unknown field %s.%s", ck->relation, n->name);
        return set_error(ck->xerr, EXPR_E_UNKNOWN, 0, "未知字段 %s", "Unknown field %s", n->name);
    case N_NEG: *t = ET_NUM; return check_as(ck, n->args[0], ET_NUM);
    case N_NOT: *t = ET_BOOL; return check_as(ck, n->args[0], ET_BOOL);
    case N_AND: case N_OR:
        *t = ET_BOOL;
        return check_as(ck, n->args[0], ET_BOOL) || check_as(ck, n->args[1], ET_BOOL);
    case N_ADD: case N_SUB: case N_MUL: case N_DIV:
        *t = ET_NUM;
        return check_as(ck, n->args[0], ET_NUM) || check_as(ck, n->args[1], ET_NUM);
    case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE: {
        expr_type ignored;
        *t = ET_BOOL;
        return check_same(ck, n->args[0], n->args[1], &ignored);
    }
    case N_IN:
        *t = ET_BOOL;
        for (int i = 1; i < n->nargs; i++) {
            expr_type ignored;
            if (check_same(ck, n->args[0], n->args[i], &ignored)) return -1;
        }
        return 0;
    case N_CALL: return check_call(ck, n, t);
    case N_AGG: return check_aggregate(ck, n, t);
    }
    return -1;
}

int expr_check(const expr_node *n, expr_type_fn types, void *ctx, expr_type *type, expr_error *xerr)
{
    memset(xerr, 0, sizeof *xerr);
    checker ck = {types, ctx, NULL, xerr};
    return check(&ck, n, type);
}

void expr_each_field(const expr_node *n, void (*fn)(void *ctx, const char *name), void *ctx)
{
    if (n->kind == N_AGG) return;
    if (n->kind == N_FIELD) fn(ctx, n->name);
    for (int i = 0; i < n->nargs; i++)
        if (n->args[i]) expr_each_field(n->args[i], fn, ctx);
}

void expr_each_relation(const expr_node *n, void (*fn)(void *ctx, const char *relation, const expr_node *aggregate),
                        void *ctx)
{
    if (n->kind == N_AGG) {
        fn(ctx, n->name, n);
        return;
    }
    for (int i = 0; i < n->nargs; i++)
        if (n->args[i]) expr_each_relation(n->args[i], fn, ctx);
}

void expr_aggregate_fields(const expr_node *aggregate, void (*fn)(void *ctx, const char *name), void *ctx)
{
    if (aggregate->field) fn(ctx, aggregate->field);
    if (aggregate->args[0]) expr_each_field(aggregate->args[0], fn, ctx);
}

/* ----------------------------------------------------------------- eval */

int expr_number(const char *text, expr_value *out)
{
    const char *p = text;
    int neg = 0, scale = 0, digits = 0, frac = 0;
    if (*p == '-') neg = 1, p++;
    expr_int m = 0;
    for (; *p; p++) {
        if (*p == '.' && !frac) {
            frac = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p)) return -1;
        if (frac && ++scale > EXPR_MAX_SCALE) return -1;
        m = m * 10 + (*p - '0');
        if (!in_range(m)) return -1;
        digits++;
    }
    if (!digits) return -1;
    *out = (expr_value){.kind = EV_NUM, .m = neg ? -m : m, .scale = scale};
    return 0;
}

/* Brings v to scale s (s >= v->scale), refusing overflow. */
static int rescale_up(expr_value *v, int s, expr_error *xerr)
{
    expr_int p = pow10i(s - v->scale), m;
    if (__builtin_mul_overflow(v->m, p, &m) || !in_range(m)) return overflow(xerr);
    v->m = m;
    v->scale = s;
    return 0;
}

/* Cuts v to scale s (s < v->scale) toward zero. */
static void truncate_to(expr_value *v, int s)
{
    v->m /= pow10i(v->scale - s);
    v->scale = s;
}

int expr_round(expr_value *v, int scale, expr_error *xerr)
{
    if (v->kind != EV_NUM) return 0;
    if (scale >= v->scale) return rescale_up(v, scale, xerr);
    expr_int p = pow10i(v->scale - scale);
    expr_int q = v->m / p, r = v->m % p;
    /* half away from zero: |r| >= p/2 (p is even, a power of ten) */
    if (r >= p / 2) q++;
    else if (-r >= p / 2) q--;
    v->m = q;
    v->scale = scale;
    return in_range(q) ? 0 : overflow(xerr);
}

static int arith(node_kind k, expr_value a, expr_value b, expr_value *out, expr_error *xerr)
{
    if (a.kind == EV_NULL || b.kind == EV_NULL) return out->kind = EV_NULL, 0;
    expr_int m;
    if (k == N_ADD || k == N_SUB) {
        int s = a.scale > b.scale ? a.scale : b.scale;
        if (rescale_up(&a, s, xerr) || rescale_up(&b, s, xerr)) return -1;
        m = k == N_ADD ? a.m + b.m : a.m - b.m; /* both < 10^36: no wrap */
        if (!in_range(m)) return overflow(xerr);
        *out = (expr_value){.kind = EV_NUM, .m = m, .scale = s};
        return 0;
    }
    if (k == N_MUL) {
        if (__builtin_mul_overflow(a.m, b.m, &m)) return overflow(xerr);
        *out = (expr_value){.kind = EV_NUM, .m = m, .scale = a.scale + b.scale};
        if (out->scale > EXPR_MAX_SCALE) truncate_to(out, EXPR_MAX_SCALE);
        return in_range(out->m) ? 0 : overflow(xerr);
    }
    /* N_DIV: a.m * 10^k / b.m has scale a.scale + k - b.scale = s */
    if (b.m == 0)
        return set_error(xerr, EXPR_E_DIV_ZERO, 0, "除数为零", "Division by zero");
    int s = a.scale > b.scale ? a.scale : b.scale;
    if (s < EXPR_DIV_SCALE) s = EXPR_DIV_SCALE;
    int k10 = s + b.scale - a.scale;
    expr_int num;
    if (__builtin_mul_overflow(a.m, pow10i(k10), &num)) return overflow(xerr);
    *out = (expr_value){.kind = EV_NUM, .m = num / b.m, .scale = s};
    return in_range(out->m) ? 0 : overflow(xerr);
}

/* -1, 0, 1; both numbers or both text or both booleans. */
static int compare(expr_value a, expr_value b, expr_error *xerr)
{
    if (a.kind == EV_TEXT && b.kind == EV_TEXT) {
        int c = strcmp(a.s, b.s);
        return c < 0 ? -1 : c > 0;
    }
    if (a.kind == EV_NUM && b.kind == EV_NUM) {
        int s = a.scale > b.scale ? a.scale : b.scale;
        if (rescale_up(&a, s, xerr) || rescale_up(&b, s, xerr)) return -2;
    }
    return a.m < b.m ? -1 : a.m > b.m;
}

static int eval(const expr_node *n, const expr_env *env, expr_value *out, expr_error *xerr);

static int comparison_value(const expr_node *n, expr_value a, expr_value b, expr_value *out, expr_error *xerr)
{
    out->kind = EV_BOOL;
    if (a.kind == EV_NULL || b.kind == EV_NULL) {
        int both = a.kind == b.kind;
        out->m = n->kind == N_EQ ? both : n->kind == N_NE ? !both : 0;
        return 0;
    }
    if (a.kind != b.kind)
        return set_error(xerr, EXPR_E_TYPE, 0, "不能比较不同类型的值", "Values of different types cannot be compared");
    int c = compare(a, b, xerr);
    if (c == -2) return -1;
    switch (n->kind) {
    case N_EQ: out->m = c == 0; break;
    case N_NE: out->m = c != 0; break;
    case N_LT: out->m = c < 0; break;
    case N_LE: out->m = c <= 0; break;
    case N_GT: out->m = c > 0; break;
    default: out->m = c >= 0; break;
    }
    return 0;
}

static int want_number(const expr_value *v, expr_error *xerr)
{
    if (v->kind == EV_NUM || v->kind == EV_NULL) return 0;
    return set_error(xerr, EXPR_E_TYPE, 0, "此处应为数值", "A number is expected here");
}

/* A condition: true only for true (null and false are not). */
static int truth(const expr_node *n, const expr_env *env, int *yes, expr_error *xerr)
{
    expr_value v;
    if (eval(n, env, &v, xerr)) return -1;
    if (v.kind != EV_BOOL && v.kind != EV_NULL)
        return set_error(xerr, EXPR_E_TYPE, 0, "此处应为条件", "A condition is expected here");
    *yes = v.kind == EV_BOOL && v.m;
    return 0;
}

/* rmb_upper(x): x rounded to the 分, in Chinese capitals (util/rmb.h);
 * the text lives in the environment's arena. */
static int rmb_words(const expr_node *n, const expr_env *env, expr_value *out, expr_error *xerr)
{
    if (eval(n->args[0], env, out, xerr) || want_number(out, xerr)) return -1;
    if (out->kind == EV_NULL) return 0;
    if (!env->a) return set_error(xerr, EXPR_E_TYPE, 0, "此处不能使用 rmb_upper", "rmb_upper cannot be used here");
    if (expr_round(out, 2, xerr)) return -1;
    char *words = out->m > INT64_MAX || out->m < -INT64_MAX ? NULL : arena_alloc(env->a, RMB_UPPER_MAX);
    if (!words || rmb_upper((int64_t)out->m, words, RMB_UPPER_MAX)) return overflow(xerr);
    *out = (expr_value){.kind = EV_TEXT, .s = words};
    return 0;
}

static int eval_call(const expr_node *n, const expr_env *env, expr_value *out, expr_error *xerr)
{
    expr_value a, b;
    switch (n->fn) {
    case F_IF: {
        int yes;
        if (truth(n->args[0], env, &yes, xerr)) return -1;
        return eval(n->args[yes ? 1 : 2], env, out, xerr);
    }
    case F_COALESCE:
        for (int i = 0; i < n->nargs; i++) {
            if (eval(n->args[i], env, out, xerr)) return -1;
            if (out->kind != EV_NULL) return 0;
        }
        return 0;
    case F_ABS:
        if (eval(n->args[0], env, out, xerr) || want_number(out, xerr)) return -1;
        if (out->m < 0) out->m = -out->m;
        return 0;
    case F_RMB_UPPER: return rmb_words(n, env, out, xerr);
    case F_ROUND:
        if (eval(n->args[0], env, &a, xerr) || eval(n->args[1], env, &b, xerr) || want_number(&a, xerr) ||
            want_number(&b, xerr))
            return -1;
        if (a.kind == EV_NULL) return *out = a, 0;
        if (b.kind == EV_NULL || b.scale != 0 || b.m < 0 || b.m > EXPR_MAX_SCALE)
            return set_error(xerr, EXPR_E_TYPE, 0, "round 的位数应为 0 到 %d 的整数",
                             "round takes 0 to %d digits", EXPR_MAX_SCALE);
        *out = a;
        return expr_round(out, (int)b.m, xerr);
    default: /* F_MIN, F_MAX over arguments: null when any is null */
        for (int i = 0; i < n->nargs; i++) {
            if (eval(n->args[i], env, &a, xerr) || want_number(&a, xerr)) return -1;
            if (a.kind == EV_NULL) return out->kind = EV_NULL, 0;
            int c = i ? compare(a, *out, xerr) : 0;
            if (c == -2) return -1;
            if (i == 0 || (n->fn == F_MIN ? c < 0 : c > 0)) *out = a;
        }
        return 0;
    }
}

typedef struct agg_state {
    const expr_node *n;
    expr_value acc;
    int64_t count;
} agg_state;

static int visit_row(void *state, const expr_env *row, expr_error *xerr)
{
    agg_state *st = state;
    int yes = 1;
    if (st->n->args[0] && truth(st->n->args[0], row, &yes, xerr)) return -1;
    if (!yes) return 0;
    if (st->n->fn == F_COUNT) {
        st->count++;
        return 0;
    }
    expr_value v;
    if (row->field(row->ctx, st->n->field, &v, xerr) || want_number(&v, xerr)) return -1;
    if (v.kind == EV_NULL) return 0;
    if (st->acc.kind == EV_NULL) return st->acc = v, 0;
    if (st->n->fn == F_SUM) return arith(N_ADD, st->acc, v, &st->acc, xerr);
    int c = compare(v, st->acc, xerr);
    if (c == -2) return -1;
    if (st->n->fn == F_MIN ? c < 0 : c > 0) st->acc = v;
    return 0;
}

static int eval_aggregate(const expr_node *n, const expr_env *env, expr_value *out, expr_error *xerr)
{
    if (!env->rows)
        return set_error(xerr, EXPR_E_UNKNOWN, 0, "此处不能汇总关联记录 %s", "Related records %s cannot be summed here",
                         n->name);
    agg_state st = {n, {.kind = EV_NULL}, 0};
    if (env->rows(env->ctx, n->name, n, visit_row, &st, xerr)) return -1;
    if (n->fn == F_COUNT) *out = (expr_value){.kind = EV_NUM, .m = st.count};
    else if (n->fn == F_SUM && st.acc.kind == EV_NULL) *out = (expr_value){.kind = EV_NUM};
    else *out = st.acc;
    return 0;
}

static int eval(const expr_node *n, const expr_env *env, expr_value *out, expr_error *xerr)
{
    expr_value a, b;
    switch (n->kind) {
    case N_NUM: case N_TEXT: case N_BOOL: *out = n->v; return 0;
    case N_NULL: *out = (expr_value){.kind = EV_NULL}; return 0;
    case N_FIELD: return env->field(env->ctx, n->name, out, xerr);
    case N_NEG:
        if (eval(n->args[0], env, out, xerr) || want_number(out, xerr)) return -1;
        out->m = -out->m;
        return 0;
    case N_NOT: {
        expr_value v;
        if (eval(n->args[0], env, &v, xerr)) return -1;
        *out = v.kind == EV_NULL ? v : (expr_value){.kind = EV_BOOL, .m = !v.m};
        return 0;
    }
    case N_AND: case N_OR: {
        int l, r = 0;
        if (truth(n->args[0], env, &l, xerr)) return -1;
        /* short-circuit: the right side may divide by what the left excludes */
        if (n->kind == N_AND ? l : !l) {
            if (truth(n->args[1], env, &r, xerr)) return -1;
        }
        *out = (expr_value){.kind = EV_BOOL, .m = n->kind == N_AND ? l && r : l || r};
        return 0;
    }
    case N_ADD: case N_SUB: case N_MUL: case N_DIV:
        if (eval(n->args[0], env, &a, xerr) || eval(n->args[1], env, &b, xerr) || want_number(&a, xerr) ||
            want_number(&b, xerr))
            return -1;
        return arith(n->kind, a, b, out, xerr);
    case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE:
        if (eval(n->args[0], env, &a, xerr) || eval(n->args[1], env, &b, xerr)) return -1;
        return comparison_value(n, a, b, out, xerr);
    case N_IN: {
        if (eval(n->args[0], env, &a, xerr)) return -1;
        int found = 0;
        for (int i = 1; i < n->nargs && a.kind != EV_NULL && !found; i++) {
            if (n->args[i]->v.kind != a.kind)
                return set_error(xerr, EXPR_E_TYPE, 0, "不能比较不同类型的值", "Values of different types cannot be compared");
            int c = compare(a, n->args[i]->v, xerr);
            if (c == -2) return -1;
            found = c == 0;
        }
        *out = (expr_value){.kind = EV_BOOL, .m = a.kind != EV_NULL && (n->negated ? !found : found)};
        return 0;
    }
    case N_CALL: return eval_call(n, env, out, xerr);
    case N_AGG: return eval_aggregate(n, env, out, xerr);
    }
    return -1;
}

int expr_eval(const expr_node *n, const expr_env *env, expr_value *out, expr_error *xerr)
{
    memset(xerr, 0, sizeof *xerr);
    return eval(n, env, out, xerr);
}

int expr_eval_scaled(const expr_node *n, const expr_env *env, int scale, int64_t *out, int *is_null,
                     expr_error *xerr)
{
    expr_value v;
    if (expr_eval(n, env, &v, xerr)) return -1;
    *is_null = v.kind == EV_NULL;
    if (*is_null) return 0;
    if (v.kind != EV_NUM) return set_error(xerr, EXPR_E_TYPE, 0, "结果应为数值", "The result must be a number");
    if (expr_round(&v, scale, xerr)) return -1;
    if (v.m > INT64_MAX || v.m < -INT64_MAX) return overflow(xerr);
    *out = (int64_t)v.m;
    return 0;
}

void expr_format(const expr_value *v, char *buf, int size)
{
    if (v->kind == EV_NULL) {
        snprintf(buf, (size_t)size, "null");
        return;
    }
    if (v->kind == EV_BOOL) {
        snprintf(buf, (size_t)size, v->m ? "true" : "false");
        return;
    }
    if (v->kind == EV_TEXT) {
        snprintf(buf, (size_t)size, "%s", v->s);
        return;
    }
    char digits[64];
    int n = 0;
    expr_int m = v->m < 0 ? -v->m : v->m;
    do {
        digits[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m || n <= v->scale);
    int o = 0;
    if (v->m < 0 && o < size - 1) buf[o++] = '-';
    for (int i = n - 1; i >= 0 && o < size - 2; i--) {
        buf[o++] = digits[i];
        if (i == v->scale && i > 0) buf[o++] = '.';
    }
    buf[o] = '\0';
}
