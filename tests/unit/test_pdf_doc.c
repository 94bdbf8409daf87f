/* test_pdf_doc.c - the document renderer (util/pdf_doc): a short document
 * is one page, a long table runs over pages, a column too wide for the
 * page wraps instead of running off it. KEHU_PDF_OUT=/tmp/x writes the
 * documents as /tmp/x-short.pdf and /tmp/x-long.pdf to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/pdf_doc.h"

#define NCOLS 8

static const pdf_column COLUMNS[NCOLS] = {
    {"行号", PDF_RIGHT, 0}, {"产品", PDF_LEFT, 1}, {"说明", PDF_LEFT, 1}, {"数量", PDF_RIGHT, 0},
    {"单位", PDF_LEFT, 0},  {"单价", PDF_RIGHT, 0}, {"金额", PDF_RIGHT, 0}, {"税额", PDF_RIGHT, 0},
};
static const pdf_pair META[] = {{"报价单号", "BJ-000042"}, {"报价日期", "2026-12-03"}};
static const pdf_pair FIELDS[] = {{"客户", "南京奥派信息产业股份公司"}, {"联系人", "王芳"}, {"主题", "机房改造报价"}};
static const pdf_pair TOTALS[] = {{"金额合计", "¥12,345.00"}, {"税额合计", "¥1,604.85"}, {"价税合计", "¥13,949.85"}};
static const pdf_pair WORDS = {"价税合计（大写）", "人民币壹万叁仟玖佰肆拾玖元捌角伍分"};
static const pdf_pair TERMS[] = {{"付款条件", "合同签订后预付 30%，货到验收合格后付清余款。"}, {"交货条件", "款到后十个工作日内送货上门。"}};
static const char *const SIGNATURES[] = {"供方（盖章）", "需方（盖章）"};

static pdf_document document(const char **cells, int nrows)
{
    return (pdf_document){.lang = "zh", .company = "南京云帆科技有限公司", .title = "报价单", .number = "BJ-000042",
                          .meta = META, .nmeta = 2, .fields = FIELDS, .nfields = 3, .columns = COLUMNS,
                          .ncolumns = NCOLS, .cells = cells, .nrows = nrows, .totals = TOTALS, .ntotals = 3,
                          .words = &WORDS, .terms = TERMS, .nterms = 2, .signatures = SIGNATURES, .nsignatures = 2};
}

static const char **rows(int n, const char *description)
{
    const char **cells = calloc((size_t)n * NCOLS, sizeof *cells);
    static char numbers[1000][12];
    for (int r = 0; r < n; r++) {
        snprintf(numbers[r % 1000], sizeof numbers[0], "%d", r + 1);
        const char *row[NCOLS] = {numbers[r % 1000], "联想 ThinkPad X1 笔记本电脑", description, "2", "台", "6,172.50", "12,345.00", "1,604.85"};
        memcpy(cells + (size_t)r * NCOLS, row, sizeof row);
    }
    return cells;
}

static int render(const pdf_document *d, const char *name, strbuf *out)
{
    err e;
    err_clear(&e);
    int pages = 0;
    int rc = pdf_render(d, out, &pages, &e);
    if (rc) print_error("%s\n", e.en);
    assert_int_equal(rc, 0);
    assert_memory_equal(out->data, "%PDF-", 5);
    const char *dir = getenv("KEHU_PDF_OUT");
    if (dir) {
        char path[512];
        snprintf(path, sizeof path, "%s-%s.pdf", dir, name);
        FILE *fp = fopen(path, "wb");
        if (fp) {
            fwrite(out->data, 1, out->len, fp);
            fclose(fp);
        }
    }
    return pages;
}

static void a_short_document_is_one_page(void **state)
{
    const char **cells = rows(3, "含三年上门保修");
    pdf_document d = document(cells, 3);
    strbuf out = STRBUF_INIT;
    assert_int_equal(render(&d, "short", &out), 1);
    sb_free(&out);
    free(cells);
}

static void a_long_table_runs_over_pages(void **state)
{
    const char **cells = rows(200, "含三年上门保修");
    pdf_document d = document(cells, 200);
    strbuf out = STRBUF_INIT;
    int pages = render(&d, "long", &out);
    assert_true(pages >= 5 && pages <= 8);
    sb_free(&out);
    free(cells);
}

static void long_texts_wrap_and_an_empty_document_still_prints(void **state)
{
    const char **cells = rows(2, "这是一段很长的说明文字，用来检查表格中的文字会在列宽之内自动换行，而不会超出页面的右边缘。"
                                 "ThisIsAVeryLongWordWithoutAnySpacesThatMustBreakSomewhereInsideTheColumn");
    pdf_document d = document(cells, 2);
    strbuf out = STRBUF_INIT;
    assert_int_equal(render(&d, "wrap", &out), 1);
    sb_clear(&out);
    pdf_document empty = {.lang = "en", .company = "Kehu", .title = "Quote"};
    assert_int_equal(render(&empty, "empty", &out), 1);
    sb_free(&out);
    free(cells);
}

static int teardown(void **state)
{
    pdf_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_short_document_is_one_page),
        cmocka_unit_test(a_long_table_runs_over_pages),
        cmocka_unit_test(long_texts_wrap_and_an_empty_document_still_prints),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
