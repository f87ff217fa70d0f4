// Users: name, password hash, contact address.
import { queryRow, queryRows, writeBatch, type DbClient, type InStatement } from './db.ts';
import { AlreadyExistsError, NotFoundError, StorageConflictError } from './errors.ts';
import { toUser, type UserRecord } from './records.ts';
import { deleteTreeStatements } from './collections.ts';

export class UserRepo {
  constructor(private readonly db: DbClient) {}

  async get(name: string): Promise<UserRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM users WHERE name = ?', [name]);
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    return (await queryRows(this.db, 'SELECT * FROM users ORDER BY name')).map(toUser);
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM users WHERE lower(email) = lower(?)', [email]);
    return row ? toUser(row) : undefined;
  }

  async create(user: Omit<UserRecord, 'createdAt'>, now: number): Promise<void> {
    try {
      await writeBatch(this.db, [
        {
          sql: 'INSERT INTO users (name, password_hash, email, displayname, created_at) VALUES (?, ?, ?, ?, ?)',
          args: [user.name, user.passwordHash, user.email, user.displayname, now],
        },
      ]);
    } catch (error) {
      if (error instanceof StorageConflictError) throw new AlreadyExistsError(`User ${user.name} already exists`);
      throw error;
    }
  }

  async update(name: string, changes: { passwordHash?: string; email?: string | null; displayname?: string | null }): Promise<void> {
    const user = await this.get(name);
    if (!user) throw new NotFoundError(`No user ${name}`);
    await writeBatch(this.db, [
      {
        sql: 'UPDATE users SET password_hash = ?, email = ?, displayname = ? WHERE name = ?',
        args: [
          changes.passwordHash ?? user.passwordHash,
          changes.email === undefined ? user.email : changes.email,
          changes.displayname === undefined ? user.displayname : changes.displayname,
          name,
        ],
      },
    ]);
  }

  /** Removes the user and everything under the homes given (their calendars and files), atomically. */
  async delete(name: string, homePaths: readonly string[]): Promise<void> {
    if (!(await this.get(name))) throw new NotFoundError(`No user ${name}`);
    const statements: InStatement[] = [
      { sql: 'DELETE FROM users WHERE name = ?', args: [name] },
      // What others shared with the user; the aliases themselves are in the user's home.
      { sql: 'DELETE FROM shares WHERE sharee = ?', args: [name] },
    ];
    for (const home of homePaths) statements.push(...(await deleteTreeStatements(this.db, home)));
    await writeBatch(this.db, statements);
  }
}
