import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { Roles } from '@app/auth-guard';
import { AdminAudienceGuard } from './admin-audience.guard';

/** A controller under `/admin/`: role admin and an admin-audience token, so no admin route can forget either. */
export const AdminController = (path: string) => applyDecorators(Controller(`admin/${path}`), Roles('admin'), UseGuards(AdminAudienceGuard));
