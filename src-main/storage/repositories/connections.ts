import type Database from 'better-sqlite3';

/** What every repository is built on: writes (and read-modify-write) on `writer`, listings on `reader`. */
export interface Connections {
  writer: Database.Database;
  reader: Database.Database;
}
