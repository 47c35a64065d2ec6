/*
 * Baselines for `make bench`: the same JSON Lines file stored by the bare engines, in one transaction each.
 *
 *   baseline lmdb FILE DIR    every line put under its 8-byte big-endian position (MDB_APPEND), one transaction
 *   baseline sqlite FILE DB   an events table (position primary key, id unique, type, entity, at, json) with
 *                             indexes on type and entity, WAL, one transaction
 *   baseline floor TRACE DIR  sckb's own B-tree floor: the LMDB calls of a traced sckb write (SCKB_TRACE_WRITES,
 *                             see Sources/sckb/WriteTraceFile.swift) issued again into an empty store with sckb's
 *                             flags (MDB_WRITEMAP unless SCKB_WRITEMAP=0, as sckb), the same tables, keys and value
 *                             sizes (values are zeros), in the same order and
 *                             transactions; prints the seconds from opening the store to closing it
 *
 * Only the top-level "id", "type" and "at" and the first string in "data" (the entity) are picked out of each
 * line, by a scan for their keys: the baselines do the storage work, not sckb's validation.
 */
#include <lmdb.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void die(const char *what, const char *detail) {
    fprintf(stderr, "baseline: %s: %s\n", what, detail);
    exit(1);
}

static void check_mdb(int rc, const char *what) {
    if (rc != MDB_SUCCESS) die(what, mdb_strerror(rc));
}

static int store_lmdb(FILE *input, const char *dir) {
    mkdir(dir, 0700);
    MDB_env *env;
    check_mdb(mdb_env_create(&env), "mdb_env_create");
    check_mdb(mdb_env_set_mapsize(env, (size_t)64 << 30), "mdb_env_set_mapsize");
    check_mdb(mdb_env_open(env, dir, 0, 0600), "mdb_env_open");
    MDB_txn *txn;
    MDB_dbi dbi;
    check_mdb(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
    check_mdb(mdb_dbi_open(txn, NULL, 0, &dbi), "mdb_dbi_open");
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    uint64_t position = 0;
    while ((length = getline(&line, &capacity, input)) > 0) {
        if (line[length - 1] == '\n') length--;
        if (length == 0) continue;
        position++;
        unsigned char key[8];
        for (int i = 0; i < 8; i++) key[i] = (unsigned char)(position >> (56 - 8 * i));
        MDB_val k = {8, key}, v = {(size_t)length, line};
        check_mdb(mdb_put(txn, dbi, &k, &v, MDB_APPEND), "mdb_put");
    }
    check_mdb(mdb_txn_commit(txn), "mdb_txn_commit");
    mdb_env_close(env);
    free(line);
    printf("%llu\n", (unsigned long long)position);
    return 0;
}

/* The string value after `"key":` at or after `from`, copied into `out`; empty when absent. */
static void pick(const char *from, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *found = strstr(from, pattern);
    out[0] = 0;
    if (!found) return;
    found += strlen(pattern);
    size_t n = 0;
    while (found[n] && found[n] != '"' && n + 1 < size) n++;
    memcpy(out, found, n);
    out[n] = 0;
}

static void check_sqlite(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) die(what, sqlite3_errmsg(db));
}

static int store_sqlite(FILE *input, const char *path) {
    sqlite3 *db;
    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) die("sqlite3_open", path);
    check_sqlite(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), "journal_mode");
    check_sqlite(db,
                 sqlite3_exec(db,
                              "CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT UNIQUE, type TEXT NOT NULL,"
                              " entity TEXT, at TEXT, json TEXT NOT NULL);"
                              "CREATE INDEX events_type ON events(type); CREATE INDEX events_entity ON events(entity);"
                              "BEGIN",
                              NULL, NULL, NULL),
                 "schema");
    sqlite3_stmt *insert;
    check_sqlite(db,
                 sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &insert, NULL),
                 "prepare");
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    long long position = 0;
    char id[256], type[64], at[64], entity[128];
    while ((length = getline(&line, &capacity, input)) > 0) {
        if (line[length - 1] == '\n') line[--length] = 0;
        if (length == 0) continue;
        position++;
        pick(line, "id", id, sizeof id);
        pick(line, "type", type, sizeof type);
        pick(line, "at", at, sizeof at);
        const char *data = strstr(line, "\"data\":{");
        entity[0] = 0;
        if (data) {
            const char *value = strstr(data + 8, "\":\"");
            if (value) {
                value += 3;
                size_t n = 0;
                while (value[n] && value[n] != '"' && n + 1 < sizeof entity) n++;
                memcpy(entity, value, n);
                entity[n] = 0;
            }
        }
        sqlite3_bind_int64(insert, 1, position);
        if (id[0]) sqlite3_bind_text(insert, 2, id, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(insert, 2);
        sqlite3_bind_text(insert, 3, type, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, entity, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 5, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 6, line, (int)length, SQLITE_TRANSIENT);
        check_sqlite(db, sqlite3_step(insert), "insert");
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    check_sqlite(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
    sqlite3_close(db);
    free(line);
    printf("%lld\n", position);
    return 0;
}

/* ---- the B-tree floor: a write trace replayed ---- */

#include <time.h>

#define MAX_TABLES 256

static const unsigned char *cursor_at, *trace_end;

static void need(size_t count) {
    if ((size_t)(trace_end - cursor_at) < count) die("trace", "truncated record");
}
static unsigned read_u8(void) { need(1); return *cursor_at++; }
static unsigned read_u16(void) { need(2); unsigned v = cursor_at[0] | cursor_at[1] << 8; cursor_at += 2; return v; }
static uint32_t read_u32(void) {
    need(4);
    uint32_t v = (uint32_t)cursor_at[0] | (uint32_t)cursor_at[1] << 8 | (uint32_t)cursor_at[2] << 16
        | (uint32_t)cursor_at[3] << 24;
    cursor_at += 4;
    return v;
}
static MDB_val read_bytes(void) {
    unsigned length = read_u16();
    need(length);
    MDB_val value = {length, (void *)cursor_at};
    cursor_at += length;
    return value;
}

static char *table_names[MAX_TABLES];
static unsigned table_flags[MAX_TABLES];
static MDB_dbi table_handles[MAX_TABLES];
static int table_open[MAX_TABLES];
static MDB_cursor *put_cursors[MAX_TABLES];

static MDB_dbi table(MDB_txn *txn, unsigned id) {
    if (id >= MAX_TABLES || !table_names[id]) die("trace", "a table used before it is declared");
    if (!table_open[id]) {
        check_mdb(mdb_dbi_open(txn, table_names[id], MDB_CREATE | table_flags[id], &table_handles[id]), "mdb_dbi_open");
        table_open[id] = 1;
    }
    return table_handles[id];
}

static int replay_floor(const char *trace_path, const char *dir) {
    FILE *file = fopen(trace_path, "rb");
    if (!file) die("cannot open", trace_path);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *trace = malloc((size_t)size);
    if (!trace || fread(trace, 1, (size_t)size, file) != (size_t)size) die("cannot read", trace_path);
    fclose(file);
    if (size < 8 || memcmp(trace, "SCKBTRC2", 8) != 0) die("not a write trace", trace_path);
    cursor_at = trace + 8;
    trace_end = trace + size;
    size_t zeros_size = 1 << 16;
    unsigned char *zeros = calloc(zeros_size, 1);

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    mkdir(dir, 0700);
    MDB_env *env;
    check_mdb(mdb_env_create(&env), "mdb_env_create");
    check_mdb(mdb_env_set_maxdbs(env, 64), "mdb_env_set_maxdbs");
    check_mdb(mdb_env_set_mapsize(env, (size_t)16 << 30), "mdb_env_set_mapsize");
    /* sckb's flags: MDB_NOTLS, and MDB_WRITEMAP unless SCKB_WRITEMAP=0 turns it off in sckb too. */
    const char *writemap = getenv("SCKB_WRITEMAP");
    unsigned flags = MDB_NOTLS | (writemap && strcmp(writemap, "0") == 0 ? 0 : MDB_WRITEMAP);
    check_mdb(mdb_env_open(env, dir, flags, 0600), "mdb_env_open");
    MDB_txn *txn = NULL;
    unsigned long long operations = 0;
    while (cursor_at < trace_end) {
        unsigned tag = read_u8();
        operations++;
        if (tag == 'T') {
            unsigned id = read_u16();
            MDB_val name = read_bytes();
            if (id >= MAX_TABLES) die("trace", "too many tables");
            table_names[id] = strndup(name.mv_data, name.mv_size);
            table_flags[id] = read_u32();
            continue;
        }
        if (tag == 'B') {
            check_mdb(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
            continue;
        }
        if (!txn) die("trace", "an operation outside a transaction");
        if (tag == 'E' || tag == 'A') {
            if (tag == 'E') {
                check_mdb(mdb_txn_commit(txn), "mdb_txn_commit");
            } else {
                mdb_txn_abort(txn);
                /* Handles opened in an aborted transaction are closed with it. */
                memset(table_open, 0, sizeof table_open);
            }
            txn = NULL;
            memset(put_cursors, 0, sizeof put_cursors);
            continue;
        }
        unsigned id = read_u16();
        MDB_dbi dbi = table(txn, id);
        if (tag == 'G') {
            MDB_val key = read_bytes(), value;
            int rc = mdb_get(txn, dbi, &key, &value);
            if (rc != MDB_NOTFOUND) check_mdb(rc, "mdb_get");
        } else if (tag == 'P') {
            unsigned flags = read_u32();
            MDB_val key = read_bytes();
            size_t count = read_u32();
            if (count > zeros_size) {
                zeros = realloc(zeros, count);
                memset(zeros, 0, count);
                zeros_size = count;
            }
            MDB_val value = {count, zeros};
            check_mdb(mdb_put(txn, dbi, &key, &value, flags), "mdb_put");
        } else if (tag == 'U') {
            unsigned flags = read_u32();
            MDB_val group = read_bytes(), duplicate = read_bytes();
            /* Through one cursor per table for the whole transaction, as sckb's grouped puts go
               (WriteState.cursor in Sources/EventStore/Transaction.swift); LMDB closes it with the transaction. */
            if (!put_cursors[id]) check_mdb(mdb_cursor_open(txn, dbi, &put_cursors[id]), "mdb_cursor_open");
            check_mdb(mdb_cursor_put(put_cursors[id], &group, &duplicate, flags), "mdb_cursor_put");
        } else if (tag == 'D') {
            MDB_val key = read_bytes();
            int rc = mdb_del(txn, dbi, &key, NULL);
            if (rc != MDB_NOTFOUND) check_mdb(rc, "mdb_del");
        } else if (tag == 'S') {
            int has_start = read_u8();
            MDB_val start_key = {0, NULL};
            if (has_start) start_key = read_bytes();
            int reverse = read_u8();
            uint32_t steps = read_u32();
            MDB_cursor *cursor;
            check_mdb(mdb_cursor_open(txn, dbi, &cursor), "mdb_cursor_open");
            MDB_val key = start_key, value;
            int rc;
            /* Placed as TransactionHandle.scan places it (Sources/EventStore/Transaction.swift). */
            if (has_start) {
                rc = mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE);
                if (reverse) {
                    if (rc == MDB_NOTFOUND) {
                        rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST);
                    } else if (rc == MDB_SUCCESS) {
                        size_t shorter = key.mv_size < start_key.mv_size ? key.mv_size : start_key.mv_size;
                        int order = memcmp(key.mv_data, start_key.mv_data, shorter);
                        if (order > 0 || (order == 0 && key.mv_size > start_key.mv_size))
                            rc = mdb_cursor_get(cursor, &key, &value, MDB_PREV);
                    }
                }
            } else {
                rc = mdb_cursor_get(cursor, &key, &value, reverse ? MDB_LAST : MDB_FIRST);
            }
            for (uint32_t step = 0; step < steps && rc == MDB_SUCCESS; step++)
                rc = mdb_cursor_get(cursor, &key, &value, reverse ? MDB_PREV : MDB_NEXT);
            if (rc != MDB_NOTFOUND) check_mdb(rc, "mdb_cursor_get");
            mdb_cursor_close(cursor);
        } else if (tag == 'N') {
            MDB_stat statistics;
            check_mdb(mdb_stat(txn, dbi, &statistics), "mdb_stat");
        } else if (tag == 'X') {
            check_mdb(mdb_drop(txn, dbi, 0), "mdb_drop");
        } else {
            die("trace", "an unknown record");
        }
    }
    if (txn) mdb_txn_abort(txn);
    mdb_env_close(env);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.3f %llu\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9, operations);
    free(trace);
    free(zeros);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) die("usage", "baseline lmdb|sqlite|floor FILE TARGET");
    if (strcmp(argv[1], "floor") == 0) return replay_floor(argv[2], argv[3]);
    FILE *input = fopen(argv[2], "r");
    if (!input) die("cannot open", argv[2]);
    if (strcmp(argv[1], "lmdb") == 0) return store_lmdb(input, argv[3]);
    if (strcmp(argv[1], "sqlite") == 0) return store_sqlite(input, argv[3]);
    die("unknown engine", argv[1]);
}
