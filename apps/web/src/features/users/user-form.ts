import { createUserBody, updateUserBody, type CreateUserBody, type UpdateUserBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import { readerSchema } from '../../lib/zod-form';
import { preferenceDefaults, readPreferenceFields } from '../account/preferences-form';
import type { User } from './api/types';

/** New user: a blank password means "generate one" (shown once), a blank weekly cap means none. */
export function readCreateUserForm(r: FormReader): Parsed<CreateUserBody> {
  const body = {
    email: r.text('email'),
    name: r.optText('name', undefined),
    role: r.optText('role', undefined),
    password: r.optText('password', undefined),
    weeklyCapUsd: r.number('weeklyCapUsd', null),
    powerLevel: r.optText('powerLevel', undefined),
  };
  return validate(createUserBody, body, { ...r.errors });
}

/** Edit user: a cleared weekly cap is `null` (no cap). Status changes go through their own action. */
export function readUpdateUserForm(r: FormReader): Parsed<UpdateUserBody> {
  const body = {
    name: r.text('name'),
    role: r.optText('role', undefined),
    weeklyCapUsd: r.number('weeklyCapUsd', null),
    powerLevel: r.optText('powerLevel', undefined),
    ...readPreferenceFields(r),
  };
  const pre = { ...r.errors };
  if (!body.name) pre.name = 'Is required';
  return validate(updateUserBody, body, pre);
}

/** What the add-user dialog's controls hold. */
export interface CreateUserValues {
  email: string;
  name: string;
  role: string;
  powerLevel: string;
  weeklyCapUsd: string;
  password: string;
}

/** What the edit-user dialog's controls hold. */
export interface UpdateUserValues {
  name: string;
  role: string;
  powerLevel: string;
  weeklyCapUsd: string;
  defaultModel: string;
  preferredProviders: string;
}

/** A user's monthly BYOK limits as the BYOK dialog holds them (blank = unlimited). */
export interface ByokLimitValues {
  byokMonthlyRequestLimit: string;
  byokMonthlySpendLimitUsd: string;
}

/** The BYOK limits form as PATCH /users/:id's body: a cleared limit is `null` (unlimited). */
export function readByokLimitsForm(r: FormReader): Parsed<UpdateUserBody> {
  const body = {
    byokMonthlyRequestLimit: r.integer('byokMonthlyRequestLimit', null),
    byokMonthlySpendLimitUsd: r.number('byokMonthlySpendLimitUsd', null),
  };
  return validate(updateUserBody, body, { ...r.errors });
}

export const byokLimitsForm = readerSchema<ByokLimitValues, UpdateUserBody>(readByokLimitsForm);

export const byokLimitDefaults = (limits: {
  monthlyRequests: number | null;
  monthlySpendUsd: number | null;
}): ByokLimitValues => ({
  byokMonthlyRequestLimit: limits.monthlyRequests == null ? '' : String(limits.monthlyRequests),
  byokMonthlySpendLimitUsd: limits.monthlySpendUsd == null ? '' : String(limits.monthlySpendUsd),
});

export const createUserForm = readerSchema<CreateUserValues, CreateUserBody>(readCreateUserForm);
export const updateUserForm = readerSchema<UpdateUserValues, UpdateUserBody>(readUpdateUserForm);

export const createUserDefaults: CreateUserValues = {
  email: '',
  name: '',
  role: 'user',
  powerLevel: 'balanced',
  weeklyCapUsd: '',
  password: '',
};

export const updateUserDefaults = (user: User): UpdateUserValues => ({
  name: user.name,
  role: user.role,
  powerLevel: user.powerLevel ?? 'balanced',
  weeklyCapUsd: user.weeklyCapUsd == null ? '' : String(user.weeklyCapUsd),
  ...preferenceDefaults(user),
});
