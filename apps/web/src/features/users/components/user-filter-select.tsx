import { SelectField } from '../../../components/ui/field';

/**
 * A filter form's "User" select (`name="user"`): Anyone, then every user by email. A user id from the URL that is not
 * in the list (yet, or not at all) stays selectable as itself.
 */
export function UserFilterSelect({
  userId,
  users,
}: {
  userId: string;
  users: readonly { id: string; email: string }[] | undefined;
}) {
  return (
    <SelectField label="User" name="user" defaultValue={userId}>
      <option value="">Anyone</option>
      {userId && !users?.some((u) => u.id === userId) ? <option value={userId}>{userId}</option> : null}
      {(users ?? []).map((u) => (
        <option key={u.id} value={u.id}>
          {u.email}
        </option>
      ))}
    </SelectField>
  );
}
