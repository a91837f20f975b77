import { LogIn } from 'lucide-react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { useZodForm } from '../../../lib/zod-form';
import { loginSchema } from '../api/login';
import { useLogin } from '../api/login';
import { useMe } from '../api/me';

export function LoginPage() {
  const me = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next')?.startsWith('/') ? params.get('next')! : '/';
  const f = useZodForm(loginSchema, { email: '', password: '' }, async (body) => {
    await login.mutateAsync(body);
    navigate(next, { replace: true });
  });

  if (me.data) return <Navigate to={next} replace />;

  const apiError = f.formError instanceof ApiError ? f.formError : null;

  return (
    <main className="grid min-h-full place-items-center p-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-3 text-center">
          <div className="hero-gradient grid h-12 w-12 place-items-center rounded-2xl text-xl font-bold text-white shadow-lg">
            S
          </div>
          <h1 className="text-2xl font-semibold">Sign in to Switchyard</h1>
          <p className="text-sm text-muted">One endpoint for every LLM provider.</p>
        </div>
        <form
          onSubmit={(e) => void f.onSubmit(e)}
          noValidate
          className="flex flex-col gap-4 rounded-2xl border border-border bg-surface p-6 shadow-sm"
        >
          <TextField
            id="email"
            label="Email"
            type="email"
            autoComplete="username"
            required
            {...f.register('email')}
            error={f.err('email')}
          />
          <TextField
            id="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            {...f.register('password')}
            error={f.err('password')}
          />
          {apiError ? (
            <p role="alert" className="rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">
              {apiError.message}
            </p>
          ) : f.formError ? (
            <p role="alert" className="rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">
              Cannot reach the server.
            </p>
          ) : null}
          <Button type="submit" disabled={login.isPending}>
            <LogIn aria-hidden className="h-4 w-4" /> {login.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
