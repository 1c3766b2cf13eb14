import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. `workspace` (the default for every route) needs an API key; `admin` needs the
 * operator's ADMIN_TOKEN; `public` needs nothing (health, metrics, docs).
 */
export type Access = 'workspace' | 'admin' | 'public';
export const ACCESS_KEY = 'herald:access';
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, 'public' satisfies Access);
export const AdminOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, 'admin' satisfies Access);
