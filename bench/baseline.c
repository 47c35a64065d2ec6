/*
 * Baselines for `make bench`: the same JSON Lines file stored by the bare engines, in one transaction each.
 *
 *   baseline lmdb FILE DIR    every line put under its 8-byte big-endian position (MDB_APPEND), one transaction
 *   baseline sqlite FILE DB   an events table (position primary key, id unique, type, entity, at, json) with
 *                             indexes on type and entity, WAL, one transaction
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

int main(int argc, char **argv) {
    if (argc != 4) die("usage", "baseline lmdb|sqlite FILE TARGET");
    FILE *input = fopen(argv[2], "r");
    if (!input) die("cannot open", argv[2]);
    if (strcmp(argv[1], "lmdb") == 0) return store_lmdb(input, argv[3]);
    if (strcmp(argv[1], "sqlite") == 0) return store_sqlite(input, argv[3]);
    die("unknown engine", argv[1]);
}
