/** The permission table lives with the contracts in @switchyard/core (each contract names the permission it needs). */
export { PERMISSIONS, ROLES, can, permissionsOf, type Permission, type Role } from '@switchyard/core';
